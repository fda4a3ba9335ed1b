import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VboError } from "../src/vbo/errors.ts";
import { ManualClock } from "./support/clock.ts";
import { jsonLogger } from "./support/logger.ts";

const clock = new ManualClock("2026-11-25T09:00:00Z");

describe("logger", () => {
  test("writes one JSON object per line with time, level, message and context", () => {
    const { logger, lines } = jsonLogger({ level: "info", clock });
    logger.child({ requestId: 42 }).info("request approved", { slackUser: "U0BOSS001", durationMs: 12 });
    assert.deepEqual(lines(), [
      {
        time: "2026-11-25T09:00:00.000Z",
        level: "info",
        msg: "request approved",
        requestId: 42,
        slackUser: "U0BOSS001",
        durationMs: 12,
      },
    ]);
  });

  test("drops lines below its level", () => {
    const { logger, raw } = jsonLogger({ level: "warn", clock });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    assert.equal(raw.length, 2);
  });

  test("redacts secret-looking keys and configured secret values wherever they appear", () => {
    const password = "correct horse battery staple";
    const { logger, raw, lines } = jsonLogger({
      level: "debug",
      secrets: [password, "xoxb-123-456-abcdef"],
      clock,
    });
    logger.info("login", {
      access_token: "abc.def",
      password,
      headers: { Authorization: "Bearer abc.def" },
      tokenCount: 3,
    });
    logger.error("failed", {
      err: new Error(`login failed for password=${password} token=xoxb-123-456-abcdef`),
    });
    logger.warn("encoded", { url: `https://x/?p=${encodeURIComponent(password)}` });
    const text = raw.join("\n");
    assert.ok(!text.includes(password));
    assert.ok(!text.includes(encodeURIComponent(password)));
    assert.ok(!text.includes("xoxb-123-456-abcdef"));
    assert.ok(!text.includes("abc.def"));
    const [first] = lines();
    assert.equal(first?.access_token, "[redacted]");
    assert.equal(first?.tokenCount, 3, "numbers under token-like keys are counts, not secrets");
  });

  test("serializes errors with their typed fields", () => {
    const { logger, lines } = jsonLogger({ level: "info", clock });
    logger.error("apply failed", {
      err: new VboError({
        kind: "http",
        operation: "addAuditItems",
        status: 503,
        errorCode: "ProxyOffline",
        message: "proxy offline",
      }),
    });
    const err = lines()[0]?.err as Record<string, unknown>;
    assert.equal(err.name, "VboError");
    assert.equal(err.status, 503);
    assert.equal(err.errorCode, "ProxyOffline");
    assert.equal(err.operation, "addAuditItems");
    assert.equal(err.message, "proxy offline");
  });
});
