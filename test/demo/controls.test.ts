/** The playground's buttons for the simulated VB365, run against the simulator itself. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { simulatorControls } from "../../src/demo/controls.ts";
import { SEED } from "../../src/sim/types.ts";
import { startSimulator } from "../support/simulator.ts";

test("the drift button says it changes audit items directly in VB365, and toggles Finance's item", async (t) => {
  const sim = await startSimulator(t);
  const drift = simulatorControls({ sim, jobs: () => undefined, now: () => new Date() }).find(
    (c) => c.id === "drift",
  );
  assert.ok(drift);
  assert.match(drift.label, /directly in VB365/);
  assert.match(drift.label, /Finance/, "names what it changes");
  assert.match(drift.hint, /not through the bot/);
  assert.match(drift.hint, /digest/);

  const financeAudited = () =>
    sim.control
      .auditItems(SEED.organization.id)
      .some((item) => item.principal.id.toLowerCase() === SEED.groups.finance.id.toLowerCase());
  const before = financeAudited();
  assert.match(await drift.run("U0RITA"), /directly in VB365/);
  assert.equal(financeAudited(), !before);
  await drift.run("U0RITA");
  assert.equal(financeAudited(), before, "a second click undoes the first");
});
