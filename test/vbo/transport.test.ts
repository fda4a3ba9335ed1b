import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as z from "zod";
import { VboError } from "../../src/vbo/errors.ts";
import { decode, failure, networkMessage, type Reply, retryAfterMs } from "../../src/vbo/transport.ts";

const reply = (status: number, text: string, contentType = "application/json"): Reply => ({
  status,
  headers: { "content-type": contentType },
  text,
});

describe("failure", () => {
  test("keeps the server's message and error code, never its stack trace", () => {
    const body = JSON.stringify({
      message: "Organization not found.",
      errorCode: "ResourceNotFound",
      stackTrace: "   at Veeam.Archiver.REST.Controllers.OrganizationController.Get()",
    });
    const err = failure(reply(404, body), "getOrganization");
    assert.equal(err.kind, "http");
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, "ResourceNotFound");
    assert.equal(err.operation, "getOrganization");
    assert.equal(err.message, "Organization not found.");
    assert.doesNotMatch(JSON.stringify({ ...err, message: err.message }), /Veeam\.Archiver/);
  });

  test("an HTML page from a proxy becomes the status text alone", () => {
    const err = failure(
      reply(502, "<html><body><h1>502 Bad Gateway</h1><pre>nginx</pre></body></html>", "text/html"),
      "x",
    );
    assert.equal(err.message, "Bad Gateway");
    assert.equal(err.status, 502);
  });

  test("a JSON message that holds HTML or several lines is cut down", () => {
    assert.equal(
      failure(reply(500, JSON.stringify({ message: "<!DOCTYPE html><html>" })), "x").message,
      "Internal Server Error",
    );
    assert.equal(
      failure(reply(500, JSON.stringify({ message: "Boom.\n   at Foo.Bar()" })), "x").message,
      "Boom.",
    );
  });

  test("removes the secrets it is given from the server's message", () => {
    const err = failure(
      reply(400, JSON.stringify({ message: "bad password S3cret-Pa55 for admin" })),
      "login",
      ["S3cret-Pa55"],
    );
    assert.doesNotMatch(err.message, /S3cret-Pa55/);
  });

  test("reads OAuth-style errors from /token", () => {
    const err = failure(
      reply(
        400,
        JSON.stringify({ error: "invalid_grant", error_description: "The refresh token is expired." }),
      ),
      "refreshToken",
    );
    assert.equal(err.message, "The refresh token is expired.");
  });
});

describe("decode", () => {
  const schema = z.looseObject({ id: z.string(), n: z.number() });

  test("returns the parsed body, extra fields kept", () => {
    assert.deepEqual(decode(reply(200, '{"id":"a","n":1,"extra":true}'), schema, "op"), {
      id: "a",
      n: 1,
      extra: true,
    });
  });

  test("a body that does not fit names the field, not the value", () => {
    assert.throws(
      () => decode(reply(200, '{"id":"top-secret-value","n":"x"}'), schema, "op"),
      (err: unknown) =>
        err instanceof VboError &&
        err.kind === "invalid_response" &&
        err.message.includes("n: invalid_type") &&
        !err.message.includes("top-secret-value"),
    );
  });

  test("a non-JSON body names its media type only", () => {
    assert.throws(
      () => decode(reply(200, "<html>Login to the proxy</html>", "text/html; charset=utf-8"), schema, "op"),
      (err: unknown) =>
        err instanceof VboError &&
        err.kind === "invalid_response" &&
        err.message === "the answer is not JSON (text/html)",
    );
  });
});

describe("retryAfterMs", () => {
  const now = new Date("2025-01-01T00:00:00Z");
  test("reads delta-seconds and HTTP dates", () => {
    assert.equal(retryAfterMs("3", now), 3000);
    assert.equal(retryAfterMs("Wed, 01 Jan 2025 00:00:10 GMT", now), 10_000);
    assert.equal(retryAfterMs("Tue, 31 Dec 2024 00:00:00 GMT", now), 0);
  });
  test("ignores what it cannot read", () => {
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs("soon", now), undefined);
  });
});

describe("networkMessage", () => {
  test("describes a failure by its code, following causes", () => {
    assert.equal(
      networkMessage(Object.assign(new Error("x"), { code: "ECONNREFUSED" })),
      "connection refused (ECONNREFUSED)",
    );
    const tls = new Error("fetch failed", {
      cause: Object.assign(new Error("self-signed"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
    });
    assert.match(
      networkMessage(tls),
      /TLS certificate is signed by a CA the bot does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\); pin it with VBO_CA_FILE/,
    );
    assert.equal(networkMessage(new Error("anything at all")), "network error");
  });
});
