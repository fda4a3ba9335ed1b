/**
 * The digest for many organizations with many audited principals: the bot's own digest (the core's
 * `DigestService.post`, as the jobs run it) posting to the fake Slack, against the hand-made way of reading
 * the same facts (the organizations, the audit e-mail settings once, and each organization's audit
 * items through the same VB365 client) with no rendering, no snapshot or drift bookkeeping and no
 * Slack. The ratio is what those add. Both read VB365 with the digest job's concurrency.
 *
 * Two kinds of digest: the first (no snapshot to compare with: it writes every organization's; the
 * bench clears the snapshots before each), and the later ones (each compares VB365's lists with the
 * snapshots, reports the drift an administrator made in between, and replaces them), which is what a
 * bot posting a daily digest does every day. Rounds alternate the hand-made read and the digest, so
 * both see the same load; each figure is a median. The process's CPU time is shown too: on a machine
 * shared with other work it moves far less than wall time.
 */

import { createSimulator, type RunningSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import type { VboClient } from "../src/vbo/client.ts";
import { ms, pool, type Row, ratio, summarize, timed } from "./stats.ts";
import { APPROVER, createBenchWorld, DIGEST, reportLogged } from "./world.ts";

/** Organizations the digest job reads from VB365 at once (src/core/digest/post.ts). */
const DIGEST_CONCURRENCY = 4;
/** Digests with no snapshot to compare with (the snapshots are cleared before each). */
const FIRST_DIGESTS = 3;
/** Digests after those, each with some drift made just before it. */
const LATER_DIGESTS = 5;
/** Organizations where an administrator adds one audit item and removes another between digests. */
const DRIFTING_ORGANIZATIONS = 5;

export async function digestBench(options: { organizations: number; audited: number }): Promise<Row[]> {
  const sim = await createSimulator({
    tokenRateLimit: false,
    organizations: options.organizations,
    usersPerOrganization: options.audited,
  });
  const world = await createBenchWorld(sim);
  try {
    const { bot, fake } = world;
    const { vbo } = bot;

    // Audit `audited` users of each generated organization, as an administrator would in the console.
    const seeded = new Set<string>([SEED.organization.id, SEED.contoso.id]);
    const generated = (await organizationsOf(vbo)).filter((o) => !seeded.has(o.id));
    if (generated.length !== options.organizations) throw new Error("the simulator has other organizations");
    for (const org of generated) {
      let left = options.audited;
      for await (const page of vbo.userPages(org.id, { pageSize: 1_000 })) {
        for (const user of page) {
          if (left === 0 || !user.name) continue;
          sim.control.addAuditItem(org.id, {
            type: "User",
            id: user.id,
            name: user.name,
            displayName: user.displayName ?? user.name,
          });
          left--;
        }
      }
      if (left > 0) throw new Error(`only ${options.audited - left} users in ${org.name}`);
    }

    // By hand: the same facts from VB365, nothing else.
    const readByHand = async () => {
      await vbo.getAuditEmailSettings();
      const organizations = await organizationsOf(vbo);
      let items = 0;
      await pool(organizations.length, DIGEST_CONCURRENCY, async (i) => {
        const list = await vbo.listAuditItems(organizations[i]!.id);
        items += list.length;
      });
      return items;
    };
    // Once untimed, so that neither side pays for the first calls' warm-up.
    await readByHand();

    const rounds: Array<"first" | "later"> = [
      ...Array<"first">(FIRST_DIGESTS).fill("first"),
      ...Array<"later">(LATER_DIGESTS).fill("later"),
    ];
    const byHand: Measured[] = [];
    const first: Measured[] = [];
    const later: Measured[] = [];
    const calls = { digest: new Set<number>(), byHand: new Set<number>() };
    let totals: { organizations: number; audited: number } | undefined;
    let posts = 0;
    for (const [round, kind] of rounds.entries()) {
      // A first digest has no snapshot to compare with; each later one finds the console's changes.
      if (kind === "first") bot.store.db.exec("DELETE FROM audit_snapshots");
      else driftOutsideTheBot(sim, generated.slice(0, DRIFTING_ORGANIZATIONS), round);

      const handBefore = sim.stats.total();
      const hand = await measured(readByHand);
      calls.byHand.add(sim.stats.total() - handBefore);
      byHand.push(hand);

      const callsBefore = sim.stats.total();
      const postsBefore = fake.callsTo("chat.postMessage").length;
      const digest = await measured(async () => {
        const [only] = await bot.core.digest.post(bot.clock.now(), {
          kind: "manual",
          period: `bench-${round}`,
          requestedBy: APPROVER,
        });
        if (only === undefined) throw new Error("no digest was posted");
        return only;
      });
      calls.digest.add(sim.stats.total() - callsBefore);
      (kind === "first" ? first : later).push(digest);

      const posted = fake.callsTo("chat.postMessage").slice(postsBefore);
      const refused = posted.filter((c) => !c.ok);
      if (refused.length > 0)
        throw new Error(`the fake Slack refused ${refused.length} digest messages: ${refused[0]?.error}`);
      if (posted.length !== digest.value.messages)
        throw new Error("the digest's messages were not all posted");
      posts = posted.length;
      const t = digest.value.digest.totals;
      if (t.unavailable > 0) throw new Error(`${t.unavailable} organizations were unavailable`);
      if (hand.value !== t.audited)
        throw new Error(`the hand-made read found ${hand.value} audit items, the digest ${t.audited}`);
      const expectedDrift = kind === "first" ? 0 : 2 * DRIFTING_ORGANIZATIONS;
      if (t.drift !== expectedDrift)
        throw new Error(`digest ${round} (${kind}) found ${t.drift} drift, not ${expectedDrift}`);
      totals ??= t;
    }
    if (fake.messagesIn(DIGEST).length !== posts * rounds.length)
      throw new Error("the digests' messages are not all in the digest channel");
    if (totals === undefined || totals.audited < options.organizations * options.audited)
      throw new Error(`the digest counted ${totals?.audited} audited principals`);
    if (calls.digest.size !== 1 || calls.byHand.size !== 1)
      throw new Error("the VB365 calls of a digest or a hand-made read varied between rounds");

    const median = (samples: Measured[], of: "ms" | "cpuMs") => summarize(samples.map((m) => m[of])).p50;
    const baseline = median(byHand, "ms");
    const label = `${totals.organizations} organizations, ${totals.audited.toLocaleString("en")} audited`;
    const [digestCalls] = calls.digest;
    const [handCalls] = calls.byHand;
    return [
      {
        section: "digest",
        metric: `first digest, median of ${FIRST_DIGESTS} (${label}; writes the snapshots) vs reading VB365 only`,
        bot: ms(median(first, "ms")),
        baseline: ms(baseline),
        ratio: ratio(baseline, median(first, "ms")),
      },
      {
        section: "digest",
        metric: `later digest, median of ${LATER_DIGESTS} (${2 * DRIFTING_ORGANIZATIONS} drift each) vs reading VB365 only`,
        bot: ms(median(later, "ms")),
        baseline: ms(baseline),
        ratio: ratio(baseline, median(later, "ms")),
      },
      {
        section: "digest",
        metric: "… CPU time (bot, simulator and fake Slack in one process), later digest vs reading",
        bot: ms(median(later, "cpuMs")),
        baseline: ms(median(byHand, "cpuMs")),
        ratio: ratio(median(byHand, "cpuMs"), median(later, "cpuMs")),
      },
      {
        section: "digest",
        metric: "VB365 calls per digest vs per reading",
        bot: String(digestCalls),
        baseline: String(handCalls),
        ratio: ratio(handCalls!, digestCalls!),
      },
      {
        section: "digest",
        metric: "Slack messages per digest (all accepted by the fake Slack)",
        bot: String(posts),
        baseline: "–",
        ratio: "–",
      },
    ];
  } finally {
    await world.close();
    await sim.close();
    reportLogged("digest", world);
  }
}

/**
 * An administrator's changes in the VB365 console between two digests: in each organization, one
 * audited user no longer audited, and a new user audited.
 */
function driftOutsideTheBot(
  sim: RunningSimulator,
  organizations: ReadonlyArray<{ id: string; name: string }>,
  round: number,
): void {
  for (const org of organizations) {
    const [first] = sim.control.auditItems(org.id);
    if (first === undefined) throw new Error(`no audit items in ${org.name}`);
    sim.control.removeAuditItem(org.id, first.id);
    const name = `drift.${round}@${org.id.slice(0, 8)}.example`;
    const id = sim.control.addUser(org.id, { name, displayName: `Drift ${round}` });
    sim.control.addAuditItem(org.id, { type: "User", id, name, displayName: `Drift ${round}` });
  }
}

interface Measured {
  ms: number;
  /** The process's CPU time (all threads) meanwhile: less disturbed than wall time by a busy machine. */
  cpuMs: number;
}

async function measured<T>(fn: () => Promise<T>): Promise<Measured & { value: T }> {
  const cpu = process.cpuUsage();
  const { ms, value } = await timed(fn);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

/** VB365's organizations that have an id (all of them, on the simulator). */
async function organizationsOf(vbo: VboClient): Promise<Array<{ id: string; name: string }>> {
  return (await vbo.listOrganizations()).flatMap((o) => (o.id ? [{ id: o.id, name: o.name ?? o.id }] : []));
}
