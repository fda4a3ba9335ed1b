/**
 * The digest for many organizations with many audited principals: the bot's own digest (the core's
 * `DigestService.post`, as the jobs run it) posting to the fake Slack, against the hand-made way of reading
 * the same facts (the organizations, the audit e-mail settings once, and each organization's audit
 * items through the same VB365 client) with no rendering, no snapshot or drift bookkeeping and no
 * Slack. The ratio is what those add. Both read VB365 with the digest job's concurrency.
 */

import { createSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import type { VboClient } from "../src/vbo/client.ts";
import { ms, pool, type Row, ratio, timed } from "./stats.ts";
import { APPROVER, createBenchWorld, DIGEST, reportLogged } from "./world.ts";

/** Organizations the digest job reads from VB365 at once (src/core/digest/post.ts). */
const DIGEST_CONCURRENCY = 4;

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
    const audited = options.organizations * options.audited;

    const callsBefore = sim.stats.total();
    const postsBefore = fake.callsTo("chat.postMessage").length;
    const digest = await timed(() =>
      bot.core.digest.post(bot.clock.now(), {
        kind: "manual",
        period: "bench",
        requestedBy: APPROVER,
      }),
    );
    const digestCalls = sim.stats.total() - callsBefore;
    const posts = fake.callsTo("chat.postMessage").slice(postsBefore);
    const refused = posts.filter((c) => !c.ok);
    if (refused.length > 0)
      throw new Error(`the fake Slack refused ${refused.length} digest messages: ${refused[0]?.error}`);
    if (posts.length !== digest.value.messages || fake.messagesIn(DIGEST).length !== digest.value.messages)
      throw new Error("the digest's messages are not all in the digest channel");
    const totals = digest.value.digest.totals;
    if (totals.unavailable > 0) throw new Error(`${totals.unavailable} organizations were unavailable`);
    if (totals.audited < audited) throw new Error(`the digest counted ${totals.audited} audited principals`);

    // By hand: the same facts from VB365, nothing else.
    const handBefore = sim.stats.total();
    const byHand = await timed(async () => {
      await vbo.getAuditEmailSettings();
      const organizations = await organizationsOf(vbo);
      let items = 0;
      await pool(organizations.length, DIGEST_CONCURRENCY, async (i) => {
        const list = await vbo.listAuditItems(organizations[i]!.id);
        items += list.length;
      });
      return items;
    });
    const handCalls = sim.stats.total() - handBefore;
    if (byHand.value !== totals.audited)
      throw new Error(`the hand-made read found ${byHand.value} audit items, the digest ${totals.audited}`);

    const label = `${totals.organizations} organizations, ${totals.audited.toLocaleString("en")} audited`;
    return [
      {
        section: "digest",
        metric: `digest posted (${label}) vs reading VB365 only`,
        bot: ms(digest.ms),
        baseline: ms(byHand.ms),
        ratio: ratio(byHand.ms, digest.ms),
      },
      {
        section: "digest",
        metric: "VB365 calls",
        bot: String(digestCalls),
        baseline: String(handCalls),
        ratio: ratio(handCalls, digestCalls),
      },
      {
        section: "digest",
        metric: "Slack messages posted (all accepted by the fake Slack)",
        bot: String(posts.length),
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

/** VB365's organizations that have an id (all of them, on the simulator). */
async function organizationsOf(vbo: VboClient): Promise<Array<{ id: string; name: string }>> {
  return (await vbo.listOrganizations()).flatMap((o) => (o.id ? [{ id: o.id, name: o.name ?? o.id }] : []));
}
