/**
 * Approval throughput: requests taken from submission through approval to the audit item applied
 * in VB365 by the bot's own core (`createBot`, hence `createCore`), against the floor of doing only
 * the VB365 POSTs by hand through the same client; and the approval log's write rate (hash-chained,
 * append-only) against plain inserts of the same rows.
 */
import { createSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import type { PrincipalRef } from "../src/vbo/schemas.ts";
import { perSecond, type Row, ratio, timed } from "./stats.ts";
import { APPROVER, createBenchWorld, USER as REQUESTER } from "./world.ts";

export async function approvalsBench(options: { requests: number; logEvents: number }): Promise<Row[]> {
  const sim = await createSimulator({ users: options.requests * 2, tokenRateLimit: false });
  const world = await createBenchWorld(sim);
  const { vbo, store, core } = world.bot;
  const { db } = store;
  try {
    const org = { id: SEED.organization.id, name: SEED.organization.name };
    const principals: PrincipalRef[] = [];
    for await (const page of vbo.userPages(org.id, { pageSize: 10_000 })) {
      for (const user of page) {
        if (user.name?.includes("@vbridge") && !user.name.startsWith("ben.young")) {
          principals.push({
            type: "User",
            id: user.id,
            name: user.name,
            displayName: user.displayName ?? user.name,
          });
        }
      }
    }
    const half = Math.floor(Math.min(principals.length, options.requests * 2) / 2);
    const forBot = principals.slice(0, half);
    const forHand = principals.slice(half, half * 2);

    const bot = await timed(async () => {
      for (const principal of forBot) {
        const submitted = await core.requests.submit({
          kind: "add",
          organization: org,
          principal,
          requester: REQUESTER,
          reason: "bench",
        });
        if (submitted.kind !== "created") throw new Error(`submit: ${submitted.kind}`);
        const approved = await core.requests.record(submitted.request.id, APPROVER, { kind: "approve" });
        if (approved.kind !== "approved" || approved.apply?.kind !== "applied")
          throw new Error(`approve: ${approved.kind}`);
      }
    });
    const byHand = await timed(async () => {
      for (const principal of forHand) await vbo.addAuditItems(org.id, [principal]);
    });
    const botRate = (forBot.length / bot.ms) * 1000;
    const handRate = (forHand.length / byHand.ms) * 1000;

    // The log alone: hash-chained appends, each its own transaction as the bot writes them, against
    // plain inserts of the same columns into a table without the chain.
    db.exec("CREATE TEMP TABLE plain_events AS SELECT * FROM events WHERE 0");
    const plain = db.prepare(
      "INSERT INTO plain_events (at, kind, actor, request_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, '', '')",
    );
    const chained = await timed(async () => {
      for (let i = 0; i < options.logEvents; i++) {
        store.log.append({ kind: "voted", actor: APPROVER, at: new Date(), requestId: null, detail: { i } });
      }
    });
    const unchained = await timed(async () => {
      for (let i = 0; i < options.logEvents; i++) {
        plain.run(new Date().toISOString(), "voted", APPROVER, null, JSON.stringify({ i }));
      }
    });
    const chainedRate = (options.logEvents / chained.ms) * 1000;
    const plainRate = (options.logEvents / unchained.ms) * 1000;

    return [
      {
        section: "approvals",
        metric: `request → approved → applied (${forBot.length} in a row) vs bare POSTs`,
        bot: perSecond(botRate),
        baseline: perSecond(handRate),
        ratio: ratio(botRate, handRate),
      },
      {
        section: "approvals",
        metric: `approval log appends (${options.logEvents.toLocaleString("en")}) vs unchained inserts`,
        bot: perSecond(chainedRate),
        baseline: perSecond(plainRate),
        ratio: ratio(chainedRate, plainRate),
      },
    ];
  } finally {
    await world.close();
    await sim.close();
  }
}
