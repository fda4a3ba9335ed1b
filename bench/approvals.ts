/**
 * Approval throughput: requests taken from submission through approval to the audit item applied
 * in VB365, against the floor of doing only the VB365 POSTs by hand; and the approval log's write
 * rate (hash-chained, append-only) against plain inserts of the same rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.ts";
import { RequestService } from "../src/core/requests/lifecycle.ts";
import { silentLogger } from "../src/logger.ts";
import { createSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import { createStore, openDatabase } from "../src/store/index.ts";
import { createVboClient } from "../src/vbo/client.ts";
import type { PrincipalRef } from "../src/vbo/schemas.ts";
import { perSecond, type Row, ratio, timed } from "./stats.ts";

const APPROVER = "U0BENCHBOSS";
const REQUESTER = "U0BENCHUSER";

export async function approvalsBench(options: { requests: number; logEvents: number }): Promise<Row[]> {
  const sim = await createSimulator({ users: options.requests * 2, tokenRateLimit: false });
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-bench-"));
  const db = openDatabase(join(dir, "bench.sqlite"), { logger: silentLogger });
  const vbo = createVboClient({
    baseUrl: sim.url,
    username: sim.username,
    password: sim.password,
    apiVersion: "v8",
    logger: silentLogger,
    clock: systemClock,
  });
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

    const store = createStore(db);
    const service = new RequestService({
      store,
      vbo,
      approvers: { isApprover: async (id) => id === APPROVER },
      policy: { requiredApprovals: 1, allowSelfApproval: false, requestTtlMs: 72 * 3_600_000 },
      clock: systemClock,
      logger: silentLogger,
    });

    const bot = await timed(async () => {
      for (const principal of forBot) {
        const submitted = await service.submit({
          kind: "add",
          organization: org,
          principal,
          requester: REQUESTER,
          reason: "bench",
        });
        if (submitted.kind !== "created") throw new Error(`submit: ${submitted.kind}`);
        const approved = await service.act(submitted.request.id, APPROVER, { kind: "approve" });
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
    await vbo.close();
    db.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
