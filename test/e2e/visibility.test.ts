/**
 * Who sees what, end to end: every command and the Home tab asked by a viewer, by someone who is
 * not one, and with AUDIT_VISIBILITY=everyone, against the running bot. Rita has asked for Ben
 * Young, a stranger for Sarah Young; VB365 audits the Executive Team.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { BOSS, RITA, STRANGER, startWorld, textOf, VIEWER, type World } from "./harness.ts";

const EXEC = SEED.groups.executiveTeam.displayName;

async function worldWithRequests(t: TestContext, env: Record<string, string> = {}): Promise<World> {
  const world = await startWorld(t, { env });
  assert.match(textOf(await world.ask(RITA, "add ben.young legal hold #4411")), /posted for approval/);
  assert.match(
    textOf(await world.ask(STRANGER, `add "${SEED.sarahYoung.displayName}" mailbox check #77`)),
    /posted/,
  );
  return world;
}

async function home(world: World, userId: string): Promise<string> {
  const before = world.fake.views.homes.get(userId)?.versions.length ?? 0;
  assert.equal((await world.post(JSON.stringify(world.fake.appHomeOpened(userId)))).status, 200);
  const shown = await world.fake.waitFor(
    () => {
      const h = world.fake.views.homes.get(userId);
      return h && h.versions.length > before ? h : undefined;
    },
    10_000,
    `the Home tab of ${userId}`,
  );
  return textOf({ blocks: shown.view.blocks });
}

/** What a viewer (or anyone, with AUDIT_VISIBILITY=everyone) is shown. */
async function assertSeesEverything(world: World, who: string): Promise<void> {
  const ask = async (text: string) => textOf(await world.ask(who, text));
  assert.match(await ask("help"), /\/vbo-audit add/);
  assert.match(await ask("find team"), new RegExp(`${EXEC}.*:eye: \\*audited\\*`));
  assert.ok((await ask("list")).includes(EXEC));
  const pending = await ask("pending");
  assert.match(pending, /2 open requests\*:/);
  assert.ok(pending.includes("Ben Young") && pending.includes("Sarah Young"));
  const log = await ask("log");
  assert.ok(log.includes("legal hold #4411") && log.includes("mailbox check #77"), "everyone's reasons");
  const status = await ask("status");
  assert.ok(status.includes(world.sim.url) && /v8 \(detected\)/.test(status), "VB365's details");
  const tab = await home(world, who);
  assert.ok(tab.includes("Audited now") && tab.includes(EXEC));
}

describe("who sees what", () => {
  test("a viewer sees every command's answer in full, and who is audited on the Home tab", async (t) => {
    const world = await worldWithRequests(t);
    await assertSeesEverything(world, VIEWER);
    // Approvers are viewers too.
    assert.ok(textOf(await world.ask(BOSS, "list")).includes(EXEC));
  });

  test("someone who is not a viewer sees their own requests, and one line where viewers see more", async (t) => {
    const world = await worldWithRequests(t);
    const ask = (text: string) => world.ask(RITA, text);
    const shown = async (text: string) => textOf(await ask(text));

    assert.match(await shown("help"), /\/vbo-audit add/);
    const found = await shown("find team");
    assert.ok(found.includes(EXEC), "the directory is searched");
    assert.doesNotMatch(found, /audited|audit state/, "without marks");

    const list = await ask("list");
    assert.match(textOf(list), /Only viewers may see who is audited/);
    assert.ok(!textOf(list).includes(EXEC));
    assert.equal(list.blocks?.length, 1, "one line");

    const pending = await shown("pending");
    assert.match(pending, /1 open request\* of yours/);
    assert.ok(pending.includes("Ben Young") && !pending.includes("Sarah Young"));
    assert.match(pending, /Only viewers may see other people's requests/);

    const log = await shown("log");
    assert.ok(log.includes("legal hold #4411"), "their own entries");
    assert.ok(!log.includes("mailbox check #77") && !log.includes("Sarah Young"), "no one else's");
    assert.match(log, /Only viewers may see other people's requests in the log/);
    assert.ok(!(await shown(`log "${SEED.sarahYoung.displayName}"`)).includes("mailbox check"));

    const status = await shown("status");
    assert.match(status, /VB365 is reachable/);
    assert.ok(!status.includes(world.sim.url) && !/v8|notifications/i.test(status), "no details");
    assert.match(status, /Only viewers may see VB365's details/);

    assert.match(await shown("digest"), /Only approvers/);

    const tab = await home(world, RITA);
    assert.match(tab, /Your requests\* \(1\)/);
    assert.ok(!tab.includes(EXEC) && !tab.includes("Audited now") && !tab.includes("Sarah Young"));
    assert.match(tab, /Only viewers may see who is audited/);
  });

  test("asking to add someone already audited says so to anyone, and the question is logged", async (t) => {
    const world = await worldWithRequests(t);
    assert.match(textOf(await world.ask(RITA, `add "${EXEC}"`)), /already audited/);
    assert.match(textOf(await world.ask(RITA, "remove ben.young")), /is not audited/);
    const asked = world.bot.store.log.list().filter((e) => e.kind === "audit_state_answered");
    assert.deepEqual(
      asked.map((e) => [e.actor, e.principal?.displayName, e.detail.audited]),
      [
        [RITA, "Ben Young", false],
        [RITA, EXEC, true],
      ],
    );
    // Viewers read the probing in the log; Rita's own log shows her requests only.
    assert.match(
      textOf(await world.ask(VIEWER, "log")),
      /<@U0RITA> asked to start auditing \*Executive Team\*.*was told it is already audited/,
    );
  });

  test("AUDIT_VISIBILITY=everyone: everyone sees what viewers see", async (t) => {
    const world = await worldWithRequests(t, { AUDIT_VISIBILITY: "everyone" });
    await assertSeesEverything(world, RITA);
    await assertSeesEverything(world, STRANGER);
  });
});
