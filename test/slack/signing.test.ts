import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formBody, signSlackRequest } from "../../src/devslack/signing.ts";
import {
  checkSlackTimestamp,
  SIGNATURE_TOLERANCE_SECONDS,
  verifySlackSignature,
} from "../../src/slack/signing.ts";

// Slack's published example (api.slack.com, "Verifying requests from Slack").
const vector = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const at = (seconds: number) => new Date(seconds * 1000);
const vectorTime = Number(vector.timestamp);

function check(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) {
  return verifySlackSignature({
    signingSecret: vector.secret,
    timestamp: vector.timestamp,
    signature: vector.signature,
    rawBody: vector.body,
    now: at(vectorTime),
    ...overrides,
  });
}

describe("verifySlackSignature", () => {
  test("accepts Slack's published example", () => {
    assert.deepEqual(check(), { ok: true });
  });

  test("accepts the body as bytes and an upper-case hex signature", () => {
    assert.deepEqual(check({ rawBody: Buffer.from(vector.body) }), { ok: true });
    assert.deepEqual(check({ signature: `v0=${vector.signature.slice(3).toUpperCase()}` }), { ok: true });
  });

  test("accepts the edges of the five-minute window, both ways", () => {
    assert.deepEqual(check({ now: at(vectorTime + SIGNATURE_TOLERANCE_SECONDS) }), { ok: true });
    assert.deepEqual(check({ now: at(vectorTime - SIGNATURE_TOLERANCE_SECONDS) }), { ok: true });
  });

  const refusals: Array<[string, Partial<Parameters<typeof verifySlackSignature>[0]>, string]> = [
    ["no signature header", { signature: undefined }, "missing"],
    ["an empty signature header", { signature: "" }, "missing"],
    ["no timestamp header", { timestamp: null }, "missing"],
    ["a timestamp that is not a number", { timestamp: "1531420618.5" }, "malformed"],
    ["a negative timestamp", { timestamp: "-1531420618" }, "malformed"],
    ["a signature without the v0= prefix", { signature: vector.signature.slice(3) }, "malformed"],
    ["a signature of another version", { signature: `v1=${vector.signature.slice(3)}` }, "malformed"],
    ["a truncated signature", { signature: vector.signature.slice(0, -2) }, "malformed"],
    ["a request older than five minutes", { now: at(vectorTime + SIGNATURE_TOLERANCE_SECONDS + 1) }, "stale"],
    [
      "a request from more than five minutes ahead",
      { now: at(vectorTime - SIGNATURE_TOLERANCE_SECONDS - 1) },
      "future",
    ],
    ["the wrong secret", { signingSecret: "another-secret-entirely" }, "mismatch"],
    ["a tampered body", { rawBody: vector.body.replace("roadrunner", "wileecoyote") }, "mismatch"],
    ["a body with a trailing newline", { rawBody: `${vector.body}\n` }, "mismatch"],
    [
      "a signature computed for another timestamp",
      { timestamp: String(vectorTime + 1), now: at(vectorTime + 1) },
      "mismatch",
    ],
  ];
  for (const [name, overrides, reason] of refusals) {
    test(`refuses ${name} (${reason})`, () => {
      assert.deepEqual(check(overrides), { ok: false, reason });
    });
  }
});

describe("checkSlackTimestamp (before the body is read)", () => {
  const now = at(vectorTime);
  test("accepts up to five minutes either way", () => {
    for (const skew of [0, -300, 300, -1, 1]) {
      assert.deepEqual(checkSlackTimestamp(String(vectorTime + skew), now), { ok: true }, `skew ${skew}`);
    }
  });
  test("refuses missing, malformed, stale and future timestamps", () => {
    assert.deepEqual(checkSlackTimestamp(undefined, now), { ok: false, reason: "missing" });
    assert.deepEqual(checkSlackTimestamp(" ", now), { ok: false, reason: "missing" });
    assert.deepEqual(checkSlackTimestamp("12ab", now), { ok: false, reason: "malformed" });
    assert.deepEqual(checkSlackTimestamp(String(vectorTime - 301), now), { ok: false, reason: "stale" });
    assert.deepEqual(checkSlackTimestamp(String(vectorTime + 301), now), { ok: false, reason: "future" });
  });
});

describe("signSlackRequest (test support)", () => {
  test("reproduces Slack's published signature", () => {
    const headers = signSlackRequest(vector.secret, vector.body, vectorTime);
    assert.equal(headers["x-slack-signature"], vector.signature);
    assert.equal(headers["x-slack-request-timestamp"], vector.timestamp);
    assert.equal(headers["content-type"], "application/x-www-form-urlencoded");
  });

  test("signs what verifySlackSignature accepts, and JSON bodies as JSON", () => {
    const secret = "test-signing-secret-0123456789";
    const now = 1_700_000_000;
    for (const body of [
      formBody({ command: "/vbo-audit", text: "add “Ben Young” ✓" }),
      '{"type":"event_callback"}',
    ]) {
      const headers = signSlackRequest(secret, body, now);
      const result = verifySlackSignature({
        signingSecret: secret,
        timestamp: headers["x-slack-request-timestamp"],
        signature: headers["x-slack-signature"],
        rawBody: body,
        now: at(now + 10),
      });
      assert.deepEqual(result, { ok: true });
    }
    assert.equal(signSlackRequest(secret, '{"a":1}', now)["content-type"], "application/json");
  });
});
