/**
 * The notifier as stories on the fake Slack and a real store: a request is posted for approval, every
 * change re-renders its messages from the store, and the requester hears of each outcome once.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import type { Config } from "../../../src/config.ts";
import type { DevSlack } from "../../../src/devslack/index.ts";
import { ACTION } from "../../../src/slack/blocks/ids.ts";
import { PURPOSE } from "../../../src/slack/notifiers/requests.ts";
import type { Store } from "../../../src/store/index.ts";
import { APPROVALS, BOSS, DEPUTY, REQUESTER } from "../../support/actors.ts";
import { storedRequest } from "../../support/builders.ts";
import { buttonsIn, shownText } from "../../support/slack.ts";
import { testWorld } from "../../support/world.ts";

async function world(t: TestContext, approvals: Partial<Config["approvals"]> = {}) {
  const w = await testWorld(t, { approvals, start: "2026-03-02T09:00:00.000Z" });
  return { fake: w.slack, store: w.store, clock: w.clock, logs: w.logger, notifier: w.notifier };
}

function approvalMessage(fake: DevSlack) {
  const [message] = fake.messagesIn(APPROVALS);
  assert.ok(message, "the request was posted to the approvals channel");
  return message;
}

function dmsTo(fake: DevSlack, userId: string) {
  const channel = fake.dmChannelOf(userId);
  return channel === undefined ? [] : fake.messagesIn(channel);
}

function approve(store: Store, id: number, approver: string, at: Date) {
  store.votes.add(id, approver, at);
  assert.ok(store.requests.close(id, { to: "approved", by: approver }, at));
}

/** An applier (owner "test") takes request `id`'s lease at `at`. */
function claim(store: Store, id: number, at: Date) {
  assert.ok(store.requests.claimApply(id, "test", at, new Date(at.getTime() + 60_000)));
}

function apply(store: Store, id: number, at: Date) {
  claim(store, id, at);
  assert.ok(
    store.requests.markApplied(id, "test", at, {
      auditExpiresAt: null,
      auditItemCreated: null,
      auditItemId: null,
    }),
  );
}

describe("posting a request for approval", () => {
  test("posts who asked, for whom, where, why and Approve/Deny buttons carrying only the id", async (t) => {
    const { fake, store, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);

    const message = approvalMessage(fake);
    const text = shownText(message);
    for (const expected of [
      `<@${REQUESTER}>`,
      "Ben Young",
      "ben.young@vbridge.co.nz",
      "vBridge",
      "legal hold #4411",
      "User",
    ]) {
      assert.ok(text.includes(expected), `the message shows ${expected}`);
    }
    assert.match(message.text, /Request #\d+: start auditing Ben Young/);
    assert.deepEqual(buttonsIn(message.blocks), [
      { actionId: ACTION.approve, value: String(request.id) },
      { actionId: ACTION.deny, value: String(request.id) },
    ]);
    assert.ok(text.includes("0 of 1 approval"));
    assert.deepEqual(
      store.messages.list(request.id).map((m) => [m.channel, m.ts, m.purpose]),
      [[APPROVALS, message.ts, PURPOSE.approval]],
    );
  });

  test("user-supplied text is escaped, so a reason cannot ping a channel or inject a link", async (t) => {
    const { fake, store, notifier } = await world(t);
    const request = storedRequest(store, { reason: "<!channel> see <https://evil.example|here> & more" });
    await notifier.requestCreated(request.id);
    const text = shownText(approvalMessage(fake));
    assert.ok(text.includes("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more"));
    assert.ok(!text.includes("<!channel>"));
  });

  test("posting twice for one request posts once", async (t) => {
    const { fake, store, notifier } = await world(t);
    const request = storedRequest(store);
    await Promise.all([notifier.requestCreated(request.id), notifier.requestCreated(request.id)]);
    assert.equal(fake.messagesIn(APPROVALS).length, 1);
  });

  test("a failed post rejects; the next change posts it while the request is still pending", async (t) => {
    const { fake, store, notifier, logs } = await world(t);
    const request = storedRequest(store);
    fake.failNext("chat.postMessage", "ratelimited", { retryAfter: 1 });
    await assert.rejects(notifier.requestCreated(request.id), /chat\.postMessage failed: ratelimited/);
    assert.equal(fake.messagesIn(APPROVALS).length, 0);
    // The caller, who decides what the failure means, logs it once; the notifier only reports it.
    assert.deepEqual(
      logs.lines.filter((l) => l.level === "warn" || l.level === "error"),
      [],
    );

    await notifier.requestChanged(request.id);
    assert.equal(fake.messagesIn(APPROVALS).length, 1);
  });
});

describe("re-rendering after a change", () => {
  test("quorum progress names who approved so far", async (t) => {
    const { fake, store, clock, notifier } = await world(t, { requiredApprovals: 2 });
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    store.votes.add(request.id, BOSS, clock.now());
    await notifier.requestChanged(request.id);

    const message = approvalMessage(fake);
    assert.ok(shownText(message).includes(`1 of 2 approvals: <@${BOSS}>`));
    assert.equal(buttonsIn(message.blocks).length, 2, "still open: the buttons stay");
    assert.equal(dmsTo(fake, REQUESTER).length, 0, "no outcome yet, no DM");
  });

  test("applied: the message shows the outcome, who and when, without buttons; the requester is told once", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    approve(store, request.id, BOSS, clock.now());
    apply(store, request.id, clock.now());

    await notifier.requestChanged(request.id);
    await notifier.requestChanged(request.id);

    const message = approvalMessage(fake);
    assert.deepEqual(buttonsIn(message.blocks), []);
    const text = shownText(message);
    assert.ok(text.includes(`*Approved* by <@${BOSS}>`));
    assert.ok(text.includes("Audit item added in VB365"));
    assert.ok(text.includes("<!date^"), "with the time of the decision");
    assert.equal(message.versions.filter((v) => v.via === "chat.update").length, 2);

    const dms = dmsTo(fake, REQUESTER);
    assert.equal(dms.length, 1, "one DM however often the same state is re-rendered");
    assert.match(dms[0]?.text ?? "", /was approved and applied to VB365/);
  });

  test("apply failed: the message says so and when it retries; the later success updates it and DMs again", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    approve(store, request.id, BOSS, clock.now());
    const at = clock.now();
    claim(store, request.id, at);
    const retryAt = new Date(at.getTime() + 30_000);
    assert.ok(
      store.requests.markApplyFailed(request.id, "test", at, {
        error: "VB365 addAuditItems: VB365 is unreachable (connect ECONNREFUSED)",
        nextAttemptAt: retryAt,
        definite: false,
        writeSettled: false,
      }),
    );
    await notifier.requestChanged(request.id);

    const text = shownText(approvalMessage(fake));
    assert.ok(text.includes("applying to VB365 failed: VB365 addAuditItems: VB365 is unreachable"));
    assert.ok(text.includes("Retrying at <!date^"));
    assert.match(dmsTo(fake, REQUESTER)[0]?.text ?? "", /applying it to VB365 failed/);

    clock.advance(60_000);
    apply(store, request.id, clock.now());
    await notifier.requestChanged(request.id);
    assert.ok(shownText(approvalMessage(fake)).includes("Audit item added in VB365"));
    assert.equal(dmsTo(fake, REQUESTER).length, 2);
  });

  test("failed for good: the message says why and that it ended, the requester and the approvers are told once", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    approve(store, request.id, BOSS, clock.now());
    const at = clock.now();
    claim(store, request.id, at);
    const error = "VB365 addAuditItems failed (HTTP 400): User 'ben' was not found in vBridge.";
    assert.ok(store.requests.markFailed(request.id, "test", at, error));
    await notifier.requestChanged(request.id);
    await notifier.requestChanged(request.id);

    const [message, notice, ...more] = fake.messagesIn(APPROVALS);
    assert.ok(message && notice);
    assert.deepEqual(more, []);
    const text = shownText(message);
    assert.ok(text.includes("*Failed*: approved by"), text);
    assert.ok(text.includes("was not found in vBridge"));
    assert.ok(text.includes("nothing was changed in VB365, and a new request for them may be made"));
    assert.deepEqual(buttonsIn(message.blocks), []);
    assert.equal(notice.threadTs, message.ts, "the approvers are told in the request's thread");
    assert.match(
      shownText(notice),
      new RegExp(`<@${BOSS}>: request \\*#${request.id}\\* that you approved did not reach VB365`),
    );
    const dms = dmsTo(fake, REQUESTER);
    assert.equal(dms.length, 1);
    assert.match(dms[0]?.text ?? "", /failed: VB365 refused it, so it has ended; you may ask again/);
    assert.deepEqual(
      store.messages.list(request.id).map((m) => m.purpose),
      [PURPOSE.approval, "dm:failed", PURPOSE.failedNotice],
    );
  });

  test("denied: the reason is shown and sent to the requester", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    assert.ok(
      store.requests.close(request.id, { to: "denied", by: BOSS, reason: "no case number" }, clock.now()),
    );
    await notifier.requestChanged(request.id);
    const message = approvalMessage(fake);
    assert.ok(shownText(message).includes(`*Denied* by <@${BOSS}>`));
    assert.ok(shownText(message).includes("no case number"));
    assert.deepEqual(buttonsIn(message.blocks), []);
    assert.match(dmsTo(fake, REQUESTER)[0]?.text ?? "", /was denied: “no case number”/);
  });

  test("a chat.update refused by Slack is reported to the caller; the next change re-renders", async (t) => {
    const { fake, store, clock, notifier, logs } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    approve(store, request.id, BOSS, clock.now());
    fake.failNext("chat.update", "ratelimited", { retryAfter: 1 });
    await assert.rejects(notifier.requestChanged(request.id), /chat\.update: ratelimited/);
    assert.equal(buttonsIn(approvalMessage(fake).blocks).length, 2, "the update did not happen");
    assert.equal(dmsTo(fake, REQUESTER).length, 1, "the DM was still sent although the update failed");
    assert.deepEqual(
      logs.lines.filter((l) => l.level === "warn" || l.level === "error"),
      [],
      "logged once by the caller that decides to retry, not here",
    );

    apply(store, request.id, clock.now());
    await notifier.requestChanged(request.id);
    assert.deepEqual(buttonsIn(approvalMessage(fake).blocks), []);
  });

  test("a failed DM is sent by the next call, once", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    assert.ok(store.requests.close(request.id, { to: "denied", by: BOSS, reason: "no" }, clock.now()));
    fake.failNext("conversations.open", "ratelimited", { retryAfter: 1 });
    await assert.rejects(notifier.requestChanged(request.id), /direct message: ratelimited/);
    assert.equal(dmsTo(fake, REQUESTER).length, 0);
    await notifier.requestChanged(request.id);
    await notifier.requestChanged(request.id);
    assert.equal(dmsTo(fake, REQUESTER).length, 1);
  });

  test("concurrent calls for one state send one DM", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    assert.ok(store.requests.close(request.id, { to: "denied", by: BOSS, reason: "no" }, clock.now()));
    await Promise.all(Array.from({ length: 5 }, () => notifier.requestChanged(request.id)));
    assert.equal(dmsTo(fake, REQUESTER).length, 1);
  });
});

describe("reminders", () => {
  test("nudge the named approvers in the request's thread, and are re-rendered with it", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    await notifier.remind(request.id, [BOSS, DEPUTY]);

    const [parent, reminder] = fake.messagesIn(APPROVALS);
    assert.ok(parent && reminder);
    assert.equal(reminder.threadTs, parent.ts);
    assert.ok(shownText(reminder).includes(`<@${BOSS}> and <@${DEPUTY}>`));
    assert.equal(buttonsIn(reminder.blocks).length, 2, "approvers can decide from the reminder");

    approve(store, request.id, BOSS, clock.now());
    apply(store, request.id, clock.now());
    await notifier.requestChanged(request.id);
    assert.deepEqual(buttonsIn(reminder.blocks), []);
  });

  test("a request no longer pending is not reminded of", async (t) => {
    const { fake, store, clock, notifier } = await world(t);
    const request = storedRequest(store);
    await notifier.requestCreated(request.id);
    assert.ok(store.requests.close(request.id, { to: "cancelled", by: REQUESTER }, clock.now()));
    await notifier.remind(request.id, [BOSS]);
    assert.equal(fake.messagesIn(APPROVALS).length, 1);
  });
});
