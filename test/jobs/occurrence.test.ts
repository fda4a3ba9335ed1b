/** Which scheduled occurrence a moment belongs to, by node-cron's own matcher, in a time zone. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import cron from "node-cron";
import { ZonedTime } from "../../src/core/digest/time.ts";
import { remindersDue } from "../../src/core/requests/reminders.ts";
import { latestOccurrenceToday } from "../../src/jobs/occurrence.ts";

const utc = new ZonedTime("UTC");
const at = (iso: string) => new Date(iso);
const latest = (expr: string, time: ZonedTime, iso: string) =>
  latestOccurrenceToday(expr, time, at(iso))?.toISOString();

describe("the latest occurrence today", () => {
  test("weekdays at 09:00: due from 09:00 until midnight, not before, not at weekends", () => {
    const weekdays = "0 9 * * 1-5";
    assert.equal(latest(weekdays, utc, "2026-11-25T08:59:59.000Z"), undefined);
    assert.equal(latest(weekdays, utc, "2026-11-25T09:00:00.000Z"), "2026-11-25T09:00:00.000Z");
    assert.equal(latest(weekdays, utc, "2026-11-25T09:00:42.500Z"), "2026-11-25T09:00:00.000Z");
    assert.equal(latest(weekdays, utc, "2026-11-25T23:59:59.000Z"), "2026-11-25T09:00:00.000Z");
    assert.equal(latest(weekdays, utc, "2026-11-26T00:00:00.000Z"), undefined);
    assert.equal(latest(weekdays, utc, "2026-11-28T12:00:00.000Z"), undefined);
  });

  test("several occurrences a day: the latest one passed", () => {
    assert.equal(latest("30 9,15 * * *", utc, "2026-11-25T16:00:00.000Z"), "2026-11-25T15:30:00.000Z");
    assert.equal(latest("30 9,15 * * *", utc, "2026-11-25T15:29:00.000Z"), "2026-11-25T09:30:00.000Z");
  });

  test("the day is the time zone's day, across a daylight-saving change too", () => {
    const auckland = new ZonedTime("Pacific/Auckland");
    // 09:00 NZDT on Wednesday the 25th is 20:00 UTC on the 24th.
    assert.equal(latest("0 9 * * 3", auckland, "2026-11-24T21:00:00.000Z"), "2026-11-24T20:00:00.000Z");
    assert.equal(latest("0 9 * * 3", auckland, "2026-11-24T19:59:00.000Z"), undefined);
    // 5 April 2026: NZ clocks go back at 03:00 NZDT; 09:00 that day is 21:00 UTC on the 4th (NZST).
    assert.equal(latest("0 9 * * *", auckland, "2026-04-04T22:00:00.000Z"), "2026-04-04T21:00:00.000Z");
  });

  test("matching leaves no task behind in node-cron's registry", () => {
    const before = cron.getTasks().size;
    latestOccurrenceToday("0 9 * * *", utc, at("2026-11-25T10:00:00.000Z"));
    assert.equal(cron.getTasks().size, before);
  });
});

describe("reminders due", () => {
  test("how many of the reminder times a request's age has passed", () => {
    const hours = [4, 24, 48];
    assert.equal(remindersDue(3.9 * 3_600_000, hours), 0);
    assert.equal(remindersDue(4 * 3_600_000, hours), 1);
    assert.equal(remindersDue(47 * 3_600_000, hours), 2);
    assert.equal(remindersDue(100 * 3_600_000, hours), 3);
  });
});
