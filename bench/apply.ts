/**
 * An approved change reaching VB365: an approver's click on Approve, signed as Slack signs it and
 * sent over HTTP to the bot (HTTP mode), until the request is applied. The simulator adds a fixed
 * latency to every VB365 call, as a real server across a network would, so the time is mostly the
 * VB365 calls the bot makes: counted per apply, by route, and timed from the click to the
 * `apply_succeeded` event (and to the approval message saying so in the fake Slack).
 *
 * Baseline, in the same run and through the same VB365 client with the same latency: what an apply
 * cannot do without, one read of the audit items (is the change still needed? which item?) and one
 * write. Adds and removes alternate, each bot apply followed by a bare one, so both see the same load.
 */

import { interactionBody, signSlackRequest } from "../src/devslack/signing.ts";
import { createSimulator, type RunningSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import { ACTION } from "../src/slack/blocks/ids.ts";
import { findAuditItem } from "../src/vbo/principals.ts";
import type { PrincipalRef } from "../src/vbo/schemas.ts";
import { ms, type Row, ratio, summarize } from "./stats.ts";
import {
  APPROVALS,
  APPROVER,
  type BenchWorld,
  createBenchWorld,
  USER as REQUESTER,
  reportLogged,
  SIGNING_SECRET,
} from "./world.ts";

export interface ApplyBenchOptions {
  /** Approved adds, and as many removes. */
  applies: number;
  /** Added by the simulator to every VB365 call while an apply (or its baseline) runs. */
  vboLatencyMs: number;
}

type Kind = "add" | "remove";

interface Sample {
  kind: Kind;
  /** From the click leaving the sender to the apply_succeeded event. */
  appliedMs: number;
  /** From the click to the approval message's update that says applied. */
  shownMs: number;
  /** VB365 calls by route ("GET AuditItems"), from the click until the bot was idle again. */
  calls: Map<string, number>;
}

export async function applyBench(options: ApplyBenchOptions): Promise<Row[]> {
  const n = options.applies;
  const sim = await createSimulator({ users: 4 * n + 10, tokenRateLimit: false });
  const world = await createBenchWorld(sim);
  try {
    await world.start();
    const { vbo } = world.bot;
    const org = { id: SEED.organization.id, name: SEED.organization.name };

    // Four sets of users: added by the bot, removed by it (audited beforehand in the console), and
    // the same two for the bare calls.
    const users: PrincipalRef[] = [];
    for await (const page of vbo.userPages(org.id, { pageSize: 10_000 })) {
      for (const u of page) {
        if (u.name?.includes("@vbridge") && !u.name.startsWith("ben.young"))
          users.push({ type: "User", id: u.id, name: u.name, displayName: u.displayName ?? u.name });
      }
    }
    if (users.length < 4 * n) throw new Error(`only ${users.length} users for ${4 * n}`);
    const set = (k: number) => users.slice(k * n, (k + 1) * n);
    const [botAdds, botRemoves, handAdds, handRemoves] = [set(0), set(1), set(2), set(3)];
    for (const p of [...botRemoves, ...handRemoves]) sim.control.addAuditItem(org.id, p);

    const bot: Sample[] = [];
    const bare: Array<{ kind: Kind; ms: number }> = [];
    for (let i = 0; i < 2 * n; i++) {
      const kind: Kind = i % 2 === 0 ? "add" : "remove";
      const k = Math.floor(i / 2);
      bot.push(await approveOne(world, sim, org, kind, (kind === "add" ? botAdds : botRemoves)[k]!, options));
      bare.push({
        kind,
        ms: await bareApply(world, sim, org, kind, (kind === "add" ? handAdds : handRemoves)[k]!, options),
      });
    }

    // Every principal ended as asked, in VB365 itself.
    const audited = await vbo.listAuditItems(org.id);
    for (const p of [...botAdds, ...handAdds])
      if (!findAuditItem(audited, p)) throw new Error(`${p.name} was not added`);
    for (const p of [...botRemoves, ...handRemoves])
      if (findAuditItem(audited, p)) throw new Error(`${p.name} was not removed`);

    const applied = summarize(bot.map((s) => s.appliedMs));
    const shown = summarize(bot.map((s) => s.shownMs));
    const base = summarize(bare.map((s) => s.ms));
    const label = `${n} adds, ${n} removes; VB365 +${options.vboLatencyMs} ms a call`;
    const callRow = (kind: Kind): Row => {
      const samples = bot.filter((s) => s.kind === kind);
      const total = samples.reduce((sum, s) => sum + [...s.calls.values()].reduce((a, b) => a + b, 0), 0);
      const perApply = total / samples.length;
      return {
        section: "apply",
        metric: `VB365 calls per approved ${kind} (${byRoute(samples)}) vs one read, one write`,
        bot: perApply.toFixed(perApply % 1 === 0 ? 0 : 2),
        baseline: "2",
        ratio: ratio(2, perApply),
      };
    };
    return [
      callRow("add"),
      callRow("remove"),
      {
        section: "apply",
        metric: `Approve click → applied, p50 (${label}) vs bare read + write`,
        bot: ms(applied.p50),
        baseline: ms(base.p50),
        ratio: ratio(base.p50, applied.p50),
      },
      {
        section: "apply",
        metric: "Approve click → applied, p99",
        bot: ms(applied.p99),
        baseline: ms(base.p99),
        ratio: ratio(base.p99, applied.p99),
      },
      {
        section: "apply",
        metric: "Approve click → the approval message says applied, p50",
        bot: ms(shown.p50),
        baseline: ms(base.p50),
        ratio: ratio(base.p50, shown.p50),
      },
    ];
  } finally {
    await world.close();
    await sim.close();
    reportLogged("apply", world);
  }
}

/** A request made through the bot (untimed, VB365 fast), then an approver's click on Approve. */
async function approveOne(
  world: BenchWorld,
  sim: RunningSimulator,
  org: { id: string; name: string },
  kind: Kind,
  principal: PrincipalRef,
  options: ApplyBenchOptions,
): Promise<Sample> {
  const { bot, fake } = world;
  const asked = await bot.core.flows.requestChange({
    kind,
    who: { kind: "email", value: principal.name },
    requester: REQUESTER,
    org: org.name,
    reason: "bench",
  });
  if (asked.kind !== "created" || !asked.announced)
    throw new Error(`${kind} ${principal.name}: ${asked.kind}`);
  const requestId = asked.request.id;
  await bot.idle();
  const message = fake.messagesIn(APPROVALS).at(-1);
  if (message === undefined) throw new Error(`request ${requestId} was not posted for approval`);
  const versionsBefore = message.versions.length;

  const payload = fake.blockAction({
    userId: APPROVER,
    actionId: ACTION.approve,
    value: String(requestId),
    on: { message: { channel: APPROVALS, ts: message.ts } },
  });
  const body = interactionBody(payload);
  sim.faults.setLatency(options.vboLatencyMs);
  const routesBefore = sim.stats.byRoute();
  const clickedAt = Date.now();
  const res = await fetch(`${world.url}/slack/events`, {
    method: "POST",
    headers: signSlackRequest(SIGNING_SECRET, body, clickedAt / 1000),
    body,
  });
  await res.text();
  if (res.status !== 200) throw new Error(`the click on request ${requestId} answered ${res.status}`);
  const succeeded = await fake.waitFor(
    () => bot.store.log.forRequest(requestId).find((e) => e.kind === "apply_succeeded"),
    30_000,
    `request ${requestId} applied`,
  );
  await bot.idle();
  const calls = routeDelta(routesBefore, sim.stats.byRoute());
  sim.faults.setLatency(0);

  const update = message.versions.slice(versionsBefore).find((v) => v.via === "chat.update");
  if (update === undefined) throw new Error(`request ${requestId}'s message was not updated`);
  if (bot.store.requests.get(requestId)?.state !== "applied")
    throw new Error(`request ${requestId} is ${bot.store.requests.get(requestId)?.state}`);
  return {
    kind,
    appliedMs: succeeded.at.getTime() - clickedAt,
    shownMs: update.at.getTime() - clickedAt,
    calls,
  };
}

/** What an apply cannot do without: read the audit items, then add or remove one. */
async function bareApply(
  world: BenchWorld,
  sim: RunningSimulator,
  org: { id: string },
  kind: Kind,
  principal: PrincipalRef,
  options: ApplyBenchOptions,
): Promise<number> {
  const { vbo } = world.bot;
  sim.faults.setLatency(options.vboLatencyMs);
  const started = performance.now();
  const item = findAuditItem(await vbo.listAuditItems(org.id), principal);
  if (kind === "add") {
    if (item) throw new Error(`${principal.name} is audited already`);
    await vbo.addAuditItems(org.id, [principal]);
  } else {
    if (!item) throw new Error(`${principal.name} is not audited`);
    await vbo.removeAuditItems(org.id, [item.id]);
  }
  const took = performance.now() - started;
  sim.faults.setLatency(0);
  return took;
}

/** The requests made between two of the simulator's counts, by route. */
function routeDelta(before: Record<string, number>, after: Record<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [route, count] of Object.entries(after)) {
    const delta = count - (before[route] ?? 0);
    if (delta > 0) out.set(shortRoute(route), delta);
  }
  return out;
}

/** "GET /v8/Organizations/{id}/AuditItems" → "GET AuditItems"; "POST /v8/Token" → "POST Token". */
function shortRoute(route: string): string {
  const [method, path = ""] = route.split(" ");
  const parts = path.split("/").filter((p) => p !== "" && !/^v\d+$/.test(p));
  const afterId = parts.lastIndexOf("{id}");
  return `${method} ${parts.slice(afterId + 1).join("/") || parts.join("/")}`;
}

/** "GET AuditItems 1, POST AuditItems 1": the calls per apply, by route. */
function byRoute(samples: readonly Sample[]): string {
  const total = new Map<string, number>();
  for (const s of samples) for (const [route, n] of s.calls) total.set(route, (total.get(route) ?? 0) + n);
  return [...total]
    .map(([route, n]) => {
      const per = n / samples.length;
      return `${route} ${per.toFixed(per % 1 === 0 ? 0 : 2)}`;
    })
    .join(", ");
}
