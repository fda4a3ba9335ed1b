import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "../../../src/core/requests/duration.ts";
import { DAY, HOUR, MINUTE } from "../../support/clock.ts";

test("durations as people type them for --for", () => {
  assert.equal(parseDuration("30d"), 30 * DAY);
  assert.equal(parseDuration("12h"), 12 * HOUR);
  assert.equal(parseDuration("90m"), 90 * MINUTE);
  assert.equal(parseDuration("2w"), 14 * DAY);
  assert.equal(parseDuration("1w2d"), 9 * DAY);
  assert.equal(parseDuration(" 1d 12h "), DAY + 12 * HOUR);
  assert.equal(parseDuration("3 days"), 3 * DAY);
  assert.equal(parseDuration("1 Hour"), HOUR);
});

test("anything else is refused rather than guessed", () => {
  for (const text of ["", "30", "d", "30x", "1mo", "-1d", "0d", "1.5d", "1d12", "30d!", "3650d1m"]) {
    assert.equal(parseDuration(text), undefined, text);
  }
  assert.equal(parseDuration("3650d"), MAX_DURATION_MS);
});

test("formatting reads back as the same duration", () => {
  assert.equal(formatDuration(30 * DAY), "30d");
  assert.equal(formatDuration(14 * DAY), "2w");
  assert.equal(formatDuration(DAY + 12 * HOUR), "1d 12h");
  assert.equal(formatDuration(90 * MINUTE), "1h 30m");
  assert.equal(formatDuration(0), "0m");
  for (const ms of [30 * DAY, 14 * DAY, DAY + 12 * HOUR, 90 * MINUTE, 9 * DAY + 5 * MINUTE]) {
    assert.equal(parseDuration(formatDuration(ms)), ms);
  }
});
