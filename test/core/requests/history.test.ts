import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crossCheck, crossCheckAll, replay } from "../../../src/core/requests/history.ts";
import { BOSS, DEPUTY, REQUESTER, STRANGER } from "../../support/actors.ts";

/** Log entries of one request, numbered in order. */
function entries(...steps: Array<[string, string] | [string, string, Record<string, unknown>]>) {
  return steps.map(([kind, actor, detail], i) => ({
    id: i + 1,
    kind,
    actor,
    detail: detail ?? {},
  })) as Array<{
    id: number;
    kind: never;
    actor: string;
    detail: Record<string, unknown>;
  }>;
}

const approvedAndApplied = entries(
  ["requested", REQUESTER],
  ["voted", BOSS],
  ["voted", DEPUTY],
  ["approved", DEPUTY],
  ["apply_attempted", "system"],
  ["apply_failed", "system"],
  ["apply_attempted", "system"],
  ["apply_succeeded", "system"],
);

describe("a request as its log tells it", () => {
  test("the entries of a whole life lead to its state, with the approvers that count", () => {
    assert.deepEqual(replay(approvedAndApplied), { state: "applied", voters: [BOSS, DEPUTY], problems: [] });
    assert.deepEqual(replay(entries(["requested", REQUESTER], ["cancelled", REQUESTER])).state, "cancelled");
    assert.deepEqual(
      replay(entries(["requested", REQUESTER], ["voted", BOSS], ["approved", BOSS], ["cancelled", BOSS]))
        .state,
      "cancelled",
      "an approved request not yet applied may be cancelled",
    );
    assert.deepEqual(
      replay(
        entries(
          ["requested", REQUESTER],
          ["voted", BOSS],
          ["approved", BOSS],
          ["apply_failed", "system"],
          ["failed", "system"],
        ),
      ).state,
      "failed",
    );
    const discounted = replay(
      entries(["requested", REQUESTER], ["voted", BOSS], ["vote_discounted", "system", { approver: BOSS }]),
    );
    assert.deepEqual(discounted, { state: "pending", voters: [], problems: [] });
    assert.deepEqual(replay([]), { state: undefined, voters: [], problems: [] });
  });

  test("an entry that cannot follow the ones before it is a problem and changes nothing", () => {
    const told = replay(entries(["requested", REQUESTER], ["apply_succeeded", "system"], ["denied", BOSS]));
    assert.equal(told.state, "denied");
    assert.deepEqual(told.problems, ["entry 2 (apply_succeeded) cannot follow pending"]);
  });

  test("a state the log does not explain: a request set to approved by hand", () => {
    const log = entries(["requested", REQUESTER]);
    assert.deepEqual(crossCheck({ id: 7, state: "approved" }, [], log), [
      "request #7 is approved, but its log entries leave it pending",
    ]);
    assert.deepEqual(crossCheck({ id: 7, state: "pending" }, [], log), []);
  });

  test("an inserted vote, and a vote the log holds but the votes lack", () => {
    const log = entries(["requested", REQUESTER], ["voted", BOSS]);
    assert.deepEqual(
      crossCheck({ id: 3, state: "pending" }, [{ approver: BOSS }, { approver: STRANGER }], log),
      [`request #3 has an approval by ${STRANGER} that the log does not hold`],
    );
    assert.deepEqual(crossCheck({ id: 3, state: "pending" }, [], log), [
      `request #3: the log holds an approval by ${BOSS} that its votes lack`,
    ]);
  });

  test("a wiped log: every request is unexplained; entries of a request that does not exist are found", () => {
    const requests = [
      { id: 1, state: "applied" as const },
      { id: 2, state: "pending" as const },
    ];
    assert.deepEqual(crossCheckAll(requests, new Map(), new Map()), [
      "request #1 is applied, but the log has no entry of it",
      "request #2 is pending, but the log has no entry of it",
    ]);
    assert.deepEqual(
      crossCheckAll(
        [{ id: 1, state: "applied" }],
        new Map([[1, [{ approver: BOSS }, { approver: DEPUTY }]]]),
        new Map([
          [1, approvedAndApplied],
          [9, entries(["requested", REQUESTER])],
        ]),
      ),
      ["the log has 1 entry of request #9, which does not exist"],
    );
  });
});
