/**
 * Whatever fails while the bot handles what a person did, that person gets an answer only they
 * see (what happened, what it means for what they asked, a reference), Slack gets its
 * acknowledgement, and the failure is logged once, with the same reference. Here the database
 * fails: a write refused mid-click, a modal submitted while it refuses, a command after it closed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { ACTION, DENY_REASON } from "../../src/slack/blocks/ids.ts";
import {
  BOSS,
  clickOnRequest,
  findButton,
  openDenyModal,
  RITA,
  requestIdOfLatest,
  startWorld,
  submitDenyReason,
  textOf,
  type World,
} from "./harness.ts";

/** Makes the database refuse one kind of write, through a second connection to its file, as a full disk would. */
function refuse(world: World, table: "votes" | "requests", operation: "INSERT" | "UPDATE"): void {
  const other = new BetterSqlite3(world.dbPath);
  try {
    other.exec(
      `CREATE TRIGGER refuse_${table} BEFORE ${operation} ON ${table} BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
    );
  } finally {
    other.close();
  }
}

/** The log lines at error level, parsed. */
function errorLines(world: World): Array<{ msg: string; ref?: string }> {
  return world.logs
    .map((line) => JSON.parse(line) as { level: string; msg: string; ref?: string })
    .filter((l) => l.level === "error");
}

/** The reference an answer quotes, which must name exactly one error line of the log. */
function refIn(text: string, world: World): string {
  const ref = /ref ([0-9a-f]{8})/.exec(text)?.[1];
  assert.ok(ref, `the answer quotes a reference: ${text}`);
  const logged = errorLines(world).filter((l) => l.ref === ref);
  assert.equal(logged.length, 1, "the failure is logged once, with the reference the person was given");
  return ref;
}

async function pendingRequest(world: World): Promise<number> {
  await world.ask(RITA, "add ben.young legal hold #4411");
  return requestIdOfLatest(world);
}

describe("the database failing", () => {
  test("during an Approve click: the approver is told nothing was recorded, with a reference", async (t) => {
    const world = await startWorld(t);
    const id = await pendingRequest(world);
    refuse(world, "votes", "INSERT");

    const responseUrl = await clickOnRequest(world, BOSS, ACTION.approve, id);
    const answer = await world.answer(responseUrl);
    assert.equal(answer.responseType, "ephemeral", "only the approver sees it");
    const text = textOf(answer);
    assert.match(text, /database failed, so this was not recorded/);
    refIn(text, world);

    // Nothing happened: still pending, nothing in VB365, the buttons still there to try again.
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(world.bot.store.votes.list(id).length, 0);
    assert.equal(world.auditPosts(), 0);
    assert.ok(findButton(world.approvalMessage(id)?.blocks, ACTION.approve));
  });

  test("during the deny modal's submission: the form says so, stays open, and nothing is denied", async (t) => {
    const world = await startWorld(t);
    const id = await pendingRequest(world);
    const modal = await openDenyModal(world, BOSS, id);
    refuse(world, "requests", "UPDATE");

    const submitted = await submitDenyReason(world, BOSS, modal.id, "no case number");
    assert.equal(submitted.status, 200, "Slack got its acknowledgement");
    const answer = (await submitted.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(answer.response_action, "errors", "the modal stays open, so the approver can submit again");
    const error = answer.errors[DENY_REASON.blockId] ?? "";
    assert.match(error, /database failed, so this was not recorded/);
    refIn(error, world);
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(world.dms(RITA).length, 0, "nobody is told of a denial that did not happen");
  });

  test("for a command, once it is gone: an ephemeral answer with a reference, and /readyz says not ready", async (t) => {
    const world = await startWorld(t);
    world.bot.store.db.close();
    const answer = await world.ask(RITA, "pending");
    assert.equal(answer.responseType, "ephemeral");
    refIn(textOf(answer), world);
    assert.match(textOf(answer), /database failed/);
    assert.equal((await fetch(`${world.url}/readyz`)).status, 503);
  });

  test("when the Home tab is opened: the tab itself says so", async (t) => {
    const world = await startWorld(t);
    world.bot.store.db.close();
    const http = await world.post(JSON.stringify(world.fake.appHomeOpened(BOSS)));
    assert.equal(http.status, 200);
    const home = await world.fake.waitFor(() => world.fake.views.homes.get(BOSS), 5_000, "the Home tab");
    const text = textOf({ blocks: home.view.blocks });
    assert.match(text, /database failed, so this tab could not be shown/);
    refIn(text, world);
  });
});
