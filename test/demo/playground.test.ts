import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { playgroundPort } from "../../src/demo/playground.ts";
import { spawnBot } from "../support/process.ts";
import { tempDir } from "../support/store.ts";

test("the playground's port: PORT when set, 3000 otherwise, and a clear word for anything else", () => {
  assert.equal(playgroundPort({}), 3000);
  assert.equal(playgroundPort({ PORT: " " }), 3000);
  assert.equal(playgroundPort({ PORT: "0" }), 0);
  assert.equal(playgroundPort({ PORT: "8080" }), 8080);
  assert.equal(playgroundPort({ PORT: "http" }), 'PORT: must be a port number, got "http"');
  assert.equal(playgroundPort({ PORT: "70000" }), 'PORT: must be a port number, got "70000"');
});

test("a playground port in use stops the demo with a sentence saying which, and what to do", async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const address = holder.address();
  assert.ok(address && typeof address === "object");
  const demo = spawnBot(t, "demo", { PORT: String(address.port) }, tempDir(t, "vbo-audit-demo-port-"));
  assert.equal(await demo.exited(30_000), 1);
  assert.match(demo.stderr(), new RegExp(`port ${address.port} is in use; set PORT to another one`));
});
