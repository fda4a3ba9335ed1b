/**
 * The request flows (`core.flows`), against the VB365 simulator (real client), a real store, and
 * the fake Slack behind the real notifier, profiles and approvers. Time is a manual clock.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import type { ChangeInput, RequestFlows } from "../../../src/core/requests/flows.ts";
import type { Who } from "../../../src/core/vocabulary.ts";
import { SEED } from "../../../src/sim/types.ts";
import { APPROVALS, BOSS, DEPUTY, ORG, REQUESTER, STRANGER } from "../../support/actors.ts";
import { MINUTE } from "../../support/clock.ts";
import { testWorld, type WorldOptions } from "../../support/world.ts";

async function world(t: TestContext, core: WorldOptions["core"] = {}) {
  const w = await testWorld(t, { vboClient: { maxRetries: 0 }, core, start: "2026-03-02T09:00:00.000Z" });
  w.slack.addUser({ id: "U0BEN", name: "ben", email: SEED.benYoung.name });
  w.slack.addUser({ id: "U0NOMAIL", name: "ghost" });
  await w.core.resolver.syncDirectory(ORG.id);
  return { ...w, fake: w.slack, flows: w.core.flows, rerenders: w.store.rerenders };
}

/** REQUESTER asks to start auditing `who`. */
const add = (flows: RequestFlows, who: Who, more: Partial<ChangeInput> = {}) =>
  flows.requestChange({ kind: "add", who, requester: REQUESTER, ...more });

const addYoung = {
  kind: "add",
  who: { kind: "text", value: "young" },
  requester: REQUESTER,
  reason: "case 7",
} as const;

describe("requestChange", () => {
  test("one match: a request is created and posted to the approvals channel", async (t) => {
    const { flows, fake } = await world(t);
    const outcome = await add(flows, { kind: "text", value: "ben.young" });
    assert.equal(outcome.kind, "created");
    assert.ok(outcome.kind === "created" && outcome.announced);
    assert.equal(fake.messagesIn(APPROVALS).length, 1);
  });

  test("posting failing still creates the request, reported as not announced", async (t) => {
    const { flows, fake, store } = await world(t);
    fake.failNext("chat.postMessage", "channel_not_found");
    const outcome = await add(flows, { kind: "text", value: "ben.young" });
    assert.ok(outcome.kind === "created" && !outcome.announced);
    assert.equal(store.requests.listOpen().length, 1);
  });

  test("several matches: a choice is stored and no request exists until the requester picks", async (t) => {
    const { flows, store } = await world(t);
    const outcome = await flows.requestChange(addYoung);
    assert.equal(outcome.kind, "choose_candidate");
    if (outcome.kind !== "choose_candidate") return;
    const names = outcome.choice.candidates.map((c) => c.principal.name);
    assert.ok(names.includes(SEED.benYoung.name) && names.includes(SEED.sarahYoung.name));
    assert.equal(store.requests.listOpen().length, 0);

    const index = names.indexOf(SEED.sarahYoung.name);
    assert.deepEqual(await flows.pick({ choiceId: outcome.choice.id, index, actor: STRANGER }), {
      kind: "choice_not_yours",
      requester: REQUESTER,
    });
    const picked = await flows.pick({ choiceId: outcome.choice.id, index, actor: REQUESTER });
    assert.equal(picked.kind, "created");
    const [request] = store.requests.listOpen();
    assert.equal(request?.principal.name, SEED.sarahYoung.name);
    assert.equal(request?.reason, "case 7");
    assert.deepEqual(await flows.pick({ choiceId: outcome.choice.id, index, actor: REQUESTER }), {
      kind: "choice_gone",
      reason: "used",
    });
  });

  test("a choice expires", async (t) => {
    const { flows, clock, store } = await world(t, { choiceTtlMs: 10 * MINUTE });
    const outcome = await flows.requestChange(addYoung);
    assert.ok(outcome.kind === "choose_candidate");
    clock.advance(11 * MINUTE);
    assert.deepEqual(await flows.pick({ choiceId: outcome.choice.id, index: 0, actor: REQUESTER }), {
      kind: "choice_gone",
      reason: "expired",
    });
    assert.deepEqual(await flows.pick({ choiceId: "no-such-choice-id", index: 0, actor: REQUESTER }), {
      kind: "choice_gone",
      reason: "not_found",
    });
    assert.equal(store.requests.listOpen().length, 0);
  });

  test("VB365 down at the pick: nothing is recorded and the same pick works once it is back", async (t) => {
    const { flows, sim, store } = await world(t);
    const outcome = await flows.requestChange(addYoung);
    assert.ok(outcome.kind === "choose_candidate");
    sim.faults.failNext(20, 503);
    const failed = await flows.pick({ choiceId: outcome.choice.id, index: 0, actor: REQUESTER });
    assert.equal(failed.kind, "vbo_unavailable");
    assert.equal(store.requests.listOpen().length, 0);
    sim.faults.reset();
    const retried = await flows.pick({ choiceId: outcome.choice.id, index: 0, actor: REQUESTER });
    assert.equal(retried.kind, "created");
  });

  test("a mention maps through the profile e-mail; no e-mail and Slack failing are told apart", async (t) => {
    const { flows, fake } = await world(t);
    const mention = await add(flows, { kind: "member", userId: "U0BEN" });
    assert.ok(mention.kind === "created");
    assert.equal(mention.request.principal.name.toLowerCase(), SEED.benYoung.name);
    assert.deepEqual(await add(flows, { kind: "member", userId: "U0NOMAIL" }), {
      kind: "member_without_email",
      userId: "U0NOMAIL",
    });
    fake.addUser({ id: "U0LATER", name: "later", email: "later@vbridge.co.nz" });
    fake.failNext("users.info", "ratelimited", { retryAfter: 1 });
    assert.deepEqual(await add(flows, { kind: "member", userId: "U0LATER" }), {
      kind: "profile_unavailable",
      userId: "U0LATER",
    });
  });

  test("no match, already audited, not audited, an unknown --org, and an invalid duration are answers", async (t) => {
    const { flows, store } = await world(t);
    const none = await add(flows, { kind: "text", value: "ben.yuong" });
    assert.ok(none.kind === "no_match");
    assert.ok(none.suggestions.some((s) => s.principal.name === SEED.benYoung.name));
    const exec = { kind: "email", value: SEED.groups.executiveTeam.name } as const;
    assert.equal((await add(flows, exec)).kind, "already_audited");
    const ben = { kind: "email", value: SEED.benYoung.name } as const;
    assert.equal(
      (await flows.requestChange({ kind: "remove", who: ben, requester: REQUESTER })).kind,
      "not_audited",
    );
    assert.equal(
      (await flows.requestChange({ kind: "add", who: ben, requester: REQUESTER, org: "Fabrikam" })).kind,
      "unknown_organization",
    );
    const invalid = await flows.requestChange({
      kind: "add",
      who: ben,
      requester: REQUESTER,
      auditForMs: -1,
    });
    assert.equal(invalid.kind, "invalid");
    assert.equal(store.requests.listOpen().length, 0);
  });
});

describe("decide, checkDeny and digest", () => {
  test("approve applies and re-renders in the background; idle() waits for it", async (t) => {
    const { flows, fake, sim, core } = await world(t);
    const created = await add(flows, { kind: "text", value: "ben.young" });
    assert.ok(created.kind === "created");
    const result = await flows.act(created.request.id, BOSS, { kind: "approve" });
    assert.equal(result.kind, "approved");
    assert.equal(result.kind === "approved" ? result.apply?.kind : undefined, "applied");
    await core.idle();
    const message = fake.messagesIn(APPROVALS)[0];
    assert.ok(message?.versions.some((v) => v.via === "chat.update"));
    assert.ok(
      sim.control.auditItems(ORG.id).some((i) => i.principal.name.toLowerCase() === SEED.benYoung.name),
    );
  });

  test("a re-render that Slack refuses after a click is queued for the jobs to retry", async (t) => {
    const { flows, fake, rerenders, core } = await world(t);
    const created = await add(flows, { kind: "text", value: "ben.young" });
    assert.ok(created.kind === "created");
    const id = created.request.id;
    fake.failNext("chat.update", "internal_error");
    assert.equal((await flows.act(id, BOSS, { kind: "approve" })).kind, "approved");
    await core.idle();
    assert.deepEqual(
      rerenders.list().map((q) => q.requestId),
      [id],
    );
    assert.match(rerenders.list()[0]?.lastError ?? "", /internal_error/);
    const message = fake.messagesIn(APPROVALS)[0];
    assert.equal(message?.versions.filter((v) => v.via === "chat.update").length, 0, "Slack refused it");
  });

  test("checkDeny refuses a non-approver and a decided request, and changes nothing", async (t) => {
    const { flows, store } = await world(t);
    const created = await add(flows, { kind: "text", value: "ben.young" });
    assert.ok(created.kind === "created");
    const id = created.request.id;
    assert.equal((await flows.checkDeny(id, BOSS)).kind, "ok");
    const stranger = await flows.checkDeny(id, STRANGER);
    assert.ok(stranger.kind === "refused" && stranger.reason === "not_approver");
    assert.equal(store.log.forRequest(id).length, 1, "only 'requested' in the log");
    await flows.act(id, BOSS, { kind: "deny", reason: "no" });
    const decided = await flows.checkDeny(id, DEPUTY);
    assert.ok(decided.kind === "refused" && decided.reason === "already_decided");
    assert.deepEqual(await flows.checkDeny(9999, BOSS), { kind: "not_found", requestId: 9999 });
  });
});
