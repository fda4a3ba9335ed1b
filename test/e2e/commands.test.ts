/**
 * The slash command stories of the contract, end to end: naming people every way the contract
 * allows (several matches, no match, a mention), someone already audited, the removal flow, and
 * the read-only commands.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ResponseUrlReply } from "../../src/devslack/index.ts";
import { interactionBody } from "../../src/devslack/signing.ts";
import { SEED } from "../../src/sim/types.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { ShiftedClock } from "../support/clock.ts";
import {
  APPROVALS,
  AUDIT_REMOVE,
  BEN,
  BEN_SLACK,
  BOSS,
  clickOnRequest,
  findButton,
  JOBS_BY_HAND,
  ORG,
  RITA,
  requestIdOfLatest,
  STRANGER,
  startWorld,
  textOf,
  VIEWER,
  type World,
} from "./harness.ts";

const EXEC = SEED.groups.executiveTeam;

/**
 * `userId` picks from the list of candidates in `answer`: a button's `value`, or a menu's
 * `selectedValue`. Resolves with the bot's answer to the pick.
 */
async function pickFrom(
  world: World,
  userId: string,
  answer: ResponseUrlReply,
  picked: { value: string } | { selectedValue: string },
): Promise<ResponseUrlReply> {
  const actionId = "value" in picked ? ACTION.pick : ACTION.pickSelect;
  const click = world.fake.blockAction({ userId, actionId, ...picked, on: { response: answer } });
  await world.post(interactionBody(click));
  return world.answer(click.response_url as string);
}

function pickButtons(response: ResponseUrlReply): Array<{ value: string; line: string }> {
  const out: Array<{ value: string; line: string }> = [];
  for (const block of (response.blocks ?? []) as Array<Record<string, unknown>>) {
    const accessory = block.accessory as Record<string, unknown> | undefined;
    if (accessory?.action_id === ACTION.pick) {
      out.push({ value: String(accessory.value), line: String((block.text as { text: string }).text) });
    }
  }
  return out;
}

describe("naming who to audit", () => {
  test("an ambiguous name offers one button per candidate and creates no request until the pick", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(RITA, "add young needs watching");
    assert.match(textOf(answer), /Several users or groups/);
    const buttons = pickButtons(answer);
    assert.ok(buttons.length >= 2, "Ben and Sarah Young at least");
    const ben = buttons.find((b) => b.line.includes(BEN.name));
    assert.ok(ben, "Ben Young is a candidate");
    assert.ok(buttons.some((b) => b.line.includes(SEED.sarahYoung.name)));
    assert.equal(world.bot.store.requests.listOpen().length, 0, "no request before the pick");
    assert.equal(world.fake.messagesIn(APPROVALS).length, 0);

    // Someone else cannot pick for Rita.
    const refused = await pickFrom(world, STRANGER, answer, { value: ben.value });
    assert.match(refused.text ?? "", /Only <@U0RITA> can pick/);
    assert.equal(world.bot.store.requests.listOpen().length, 0);

    const result = await pickFrom(world, RITA, answer, { value: ben.value });
    assert.equal(result.replaceOriginal, true, "the list is replaced by the result");
    assert.match(result.text ?? "", /posted for approval/);
    const open = world.bot.store.requests.listOpen();
    assert.equal(open.length, 1);
    assert.equal(open[0]?.principal.name.toLowerCase(), BEN.name);
    assert.equal(open[0]?.reason, "needs watching");
    assert.ok(textOf(world.fake.messagesIn(APPROVALS)[0]).includes("Ben Young"));

    // A second click on the same list does not make a second request.
    assert.match((await pickFrom(world, RITA, answer, { value: ben.value })).text ?? "", /already made/);
    assert.equal(world.bot.store.requests.listOpen().length, 1);
  });

  test("more than five matches are offered in a menu; picking one starts the request", async (t) => {
    const world = await startWorld(t);
    for (let i = 1; i <= 6; i++) {
      world.sim.control.addUser(ORG.id, { name: `kim.park${i}@vbridge.co.nz`, displayName: `Kim Park ${i}` });
    }
    await world.bot.core.resolver.syncDirectory(ORG.id);
    const answer = await world.ask(RITA, "add park");
    assert.equal(pickButtons(answer).length, 0);
    const select = (answer.blocks as Array<Record<string, unknown>>)
      .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as Array<Record<string, unknown>>) : []))
      .find((e) => e.action_id === ACTION.pickSelect);
    assert.ok(select, "a menu of candidates");
    const options = select.options as Array<{ text: { text: string }; value: string }>;
    assert.equal(options.length, 6);
    const third = options.find((o) => o.text.text.includes("kim.park3@vbridge.co.nz"));
    assert.ok(third);

    const picked = await pickFrom(world, RITA, answer, { selectedValue: third.value });
    assert.match(picked.text ?? "", /posted for approval/);
    assert.equal(world.bot.store.requests.listOpen()[0]?.principal.name, "kim.park3@vbridge.co.nz");
  });

  test("an unknown name says so, with the closest names, and records nothing", async (t) => {
    const world = await startWorld(t);
    // The directory cache is what knows close names; the sync job fills it (here, the test does).
    await world.bot.core.resolver.syncDirectory(ORG.id);
    const answer = await world.ask(RITA, "add ben.yuong");
    const text = textOf(answer);
    assert.match(text, /Nobody in \*vBridge\* matches/);
    assert.ok(text.includes("Ben Young"), "Ben Young is suggested");
    assert.equal(world.bot.store.requests.listOpen().length, 0);
  });

  test("a mention is matched through the member's Slack profile e-mail", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(RITA, `add <@${BEN_SLACK}|ben> insider case`);
    assert.match(answer.text ?? "", /posted for approval/, textOf(answer));
    const [request] = world.bot.store.requests.listOpen();
    assert.equal(request?.principal.name.toLowerCase(), BEN.name);
    assert.ok(world.fake.callsTo("users.info").some((c) => c.args.user === BEN_SLACK));
  });

  test("a mention of someone without a profile e-mail explains what to type instead", async (t) => {
    const world = await startWorld(t);
    world.fake.addUser({ id: "U0NOMAIL", name: "ghost" });
    const answer = await world.ask(RITA, "add <@U0NOMAIL|ghost>");
    assert.match(textOf(answer), /shows no e-mail/);
  });

  test("someone already audited is answered so, and no request is made", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(RITA, `add ${EXEC.name}`);
    assert.match(textOf(answer), /already audited in \*vBridge\*/);
    assert.equal(world.bot.store.requests.listOpen().length, 0);
    assert.equal(world.fake.messagesIn(APPROVALS).length, 0);
  });

  test("a second request for the same person points to the first", async (t) => {
    const world = await startWorld(t);
    await world.ask(RITA, "add ben.young");
    const answer = await world.ask(STRANGER, "add ben.young@vbridge.co.nz");
    assert.match(textOf(answer), /already open/);
    assert.equal(world.fake.messagesIn(APPROVALS).length, 1);
  });
});

describe("removing an audit item", () => {
  test("remove → approve → the audit item is gone from VB365 → the message says so", async (t) => {
    const world = await startWorld(t);
    assert.ok(world.sim.control.auditItems(ORG.id).some((i) => i.principal.name === EXEC.name));
    const answer = await world.ask(RITA, `remove "Executive Team" case closed`);
    assert.match(answer.text ?? "", /posted for approval/, textOf(answer));
    const id = requestIdOfLatest(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    assert.ok(textOf(posted).includes("Stop auditing"));
    await clickOnRequest(world, BOSS, ACTION.approve, id);
    const done = await world.waitForApprovalMessage(id, (text) =>
      text.includes("Audit item removed from VB365"),
    );
    assert.equal(findButton(done.blocks, ACTION.approve), undefined);
    assert.equal(
      world.sim.control.auditItems(ORG.id).some((i) => i.principal.name === EXEC.name),
      false,
    );
    assert.equal(world.sim.stats.count("POST", AUDIT_REMOVE), 1);
  });

  test("an unquoted multi-word name: the rest of the name is not swallowed into the reason", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(RITA, "remove Executive Team case closed");
    assert.match(answer.text ?? "", /posted for approval/, textOf(answer));
    const id = requestIdOfLatest(world);
    const request = world.bot.store.requests.get(id);
    assert.equal(request?.principal.displayName, EXEC.displayName);
    assert.equal(request?.reason, "case closed");
    const shown = textOf(world.approvalMessage(id));
    assert.ok(shown.includes("case closed"));
    assert.equal(shown.includes("Team case closed"), false, "no word of the name in the reason");
  });

  test("removing someone who is not audited is answered so", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(RITA, "remove ben.young");
    assert.match(textOf(answer), /is not audited/);
    assert.equal(world.fake.messagesIn(APPROVALS).length, 0);
  });
});

describe("the read-only commands", () => {
  test("help (and empty text) answer with the usage, ephemerally", async (t) => {
    const world = await startWorld(t);
    for (const text of ["help", ""]) {
      const answer = await world.ask(RITA, text);
      assert.equal(answer.responseType, "ephemeral");
      assert.ok(textOf(answer).includes("/vbo-audit add &lt;who&gt;"));
    }
    const typo = await world.ask(RITA, "lsit");
    assert.match(textOf(typo), /Did you mean `\/vbo-audit list`/);
  });

  test("help and an unknown command list cancel, in the blocks and in the text fallback", async (t) => {
    const world = await startWorld(t);
    const help = await world.ask(RITA, "help");
    assert.match(textOf(help), /\/vbo-audit cancel &lt;request number&gt;/);
    assert.match(help.text ?? "", /\bcancel\b/, "the notification text names every command");
    const unknown = await world.ask(RITA, "xyzzy");
    assert.match(textOf(unknown), /Commands: .*`cancel`/);
  });

  test("find marks each match audited or not (for a viewer)", async (t) => {
    const world = await startWorld(t);
    const answer = await world.ask(VIEWER, "find team");
    const text = textOf(answer);
    assert.match(text, /Executive Team.*:eye: \*audited\*/);
    const ben = await world.ask(VIEWER, "find ben.young");
    assert.match(textOf(ben), /Ben Young.*not audited/);
  });

  test("list shows who is audited now in VB365; pending and log follow a request", async (t) => {
    const world = await startWorld(t);
    const list = await world.ask(VIEWER, "list");
    assert.match(textOf(list), /0 users and 1 group/);
    assert.ok(textOf(list).includes("Executive Team"));

    assert.match(textOf(await world.ask(RITA, "pending")), /No open requests/);
    await world.ask(RITA, "add ben.young legal hold");
    const pending = textOf(await world.ask(VIEWER, "pending"));
    assert.match(pending, /1 open request/);
    assert.ok(pending.includes("Ben Young"));

    const log = textOf(await world.ask(VIEWER, "log ben.young@vbridge.co.nz"));
    assert.match(log, /asked #1 to start auditing/);
    assert.ok(log.includes("legal hold"));
    assert.match(textOf(await world.ask(VIEWER, 'log "Ben Young"')), /asked #1/);
  });

  test("status shows the VB365 connection, the API version and the notification setting (loudly when off)", async (t) => {
    const clock = new ShiftedClock();
    const world = await startWorld(t, { bot: { clock } });
    const on = textOf(await world.ask(VIEWER, "status"));
    assert.match(on, /reachable/);
    assert.match(on, /v8 \(detected\)/);
    assert.match(on, /notifications are \*on\*/);

    world.sim.control.setNotifications(false);
    clock.offsetMs = 61_000; // past what the display cache keeps
    const off = textOf(await world.ask(VIEWER, "status"));
    assert.match(off, /Audit e-mail notifications are OFF/);
  });

  test("digest is for approvers only, and says so when no digest is wired in", async (t) => {
    const world = await startWorld(t);
    assert.match(textOf(await world.ask(STRANGER, "digest")), /Only approvers/);
    assert.match(textOf(await world.ask(BOSS, "digest")), /not available/);
  });

  test("digest posts the real digest (the jobs' poster) to the digest channel, on behalf of who asked", async (t) => {
    const world = await startWorld(t, { bot: { jobs: JOBS_BY_HAND } });
    const answer = textOf(await world.ask(BOSS, "digest"));
    const messages = world.fake.messagesIn("C0DIGEST");
    assert.match(answer, new RegExp(`digest is posted in <#C0DIGEST> \\(${messages.length} messages?\\)`));
    const digest = textOf(messages.at(-1));
    assert.ok(digest.includes("Executive Team"), "the digest lists who is audited");
    const [posted] = world.bot.store.log.since(new Date(0)).filter((e) => e.kind === "digest_posted");
    assert.equal(posted?.actor, BOSS, "the log names who asked for it");
    assert.equal(world.bot.store.runs.recent("digest")[0]?.detail?.startsWith(`on request of ${BOSS}`), true);
  });

  test("--org picks an organization; an unknown one lists the choices", async (t) => {
    const world = await startWorld(t);
    const contoso = textOf(await world.ask(RITA, `find "Ben Young" --org ${SEED.contoso.name}`));
    assert.ok(contoso.includes(SEED.contosoBenYoung.name));
    const unknown = textOf(await world.ask(RITA, "list --org Fabrikam"));
    assert.match(unknown, /No VB365 organization is called `Fabrikam`/);
    assert.ok(unknown.includes("Contoso") && unknown.includes("vBridge"));
  });

  test("without a default organization, several organizations ask for --org", async (t) => {
    const world = await startWorld(t, { env: { VBO_ORGANIZATION: "" } });
    assert.match(textOf(await world.ask(RITA, "add ben.young")), /say which one with `--org/);
    assert.equal(world.bot.store.requests.listOpen().length, 0);
  });
});
