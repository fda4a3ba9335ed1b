/**
 * The playground's server against a stand-in bot: a 127.0.0.1 server that checks Slack's signature
 * the way Slack documents it, records what it was sent, and answers as the test says. (The real bot
 * is driven through the page in test/playground/browser.test.ts and test/demo.test.ts.)
 */
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, type TestContext, test } from "node:test";
import { type Playground, startPlayground } from "../../../src/devslack/playground/index.ts";
import type { ActResult, Snapshot } from "../../../src/devslack/playground/protocol.ts";
import { textInput } from "../../../src/slack/blocks/kit.ts";
import { modal } from "../../../src/slack/blocks/surfaces.ts";

const SECRET = "playground-test-secret";
const RITA = {
  id: "U0RITA",
  name: "rita",
  realName: "Rita Requester",
  email: "rita@example.com",
  role: "requester",
};
const BOSS = {
  id: "U0BOSS",
  name: "boss",
  realName: "The Boss",
  email: "boss@example.com",
  role: "approver",
};
const APPROVALS = { id: "C0APPROVALS", name: "approvals" };

interface Received {
  body: string;
  form: URLSearchParams;
  payload: Record<string, unknown> | undefined;
}

/** A bot that only checks signatures, records, and answers what `answer` says. */
async function fakeBot(
  t: TestContext,
  answer: (r: Received) => { status?: number; body?: string } = () => ({}),
) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const ts = String(req.headers["x-slack-request-timestamp"]);
      const expected = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
      const given = String(req.headers["x-slack-signature"]);
      const signed =
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!signed || Math.abs(Date.now() / 1000 - Number(ts)) > 300) {
        res.writeHead(401).end();
        return;
      }
      const form = new URLSearchParams(body);
      const payload = form.get("payload");
      const r: Received = {
        body,
        form,
        payload: payload ? (JSON.parse(payload) as Record<string, unknown>) : undefined,
      };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status ?? 200, { "content-type": "application/json" }).end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { received, eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
}

async function playground(t: TestContext, run = async (as: string) => `ran as ${as}`): Promise<Playground> {
  const p = await startPlayground({
    port: 0,
    workspace: "Test",
    botName: "vbo-audit",
    command: "/vbo-audit",
    persons: [RITA, BOSS],
    channels: [APPROVALS],
    controls: [{ id: "outage", label: "VB365 goes down", hint: "503s", run }],
  });
  t.after(() => p.close());
  return p;
}

async function act(p: Playground, body: unknown): Promise<{ status: number; result: ActResult }> {
  const res = await fetch(`${p.url}act`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, result: (await res.json()) as ActResult };
}

async function state(p: Playground, as: string): Promise<Snapshot> {
  return (await (await fetch(`${p.url}state?as=${as}`)).json()) as Snapshot;
}

describe("the playground's server", () => {
  test("serves the page on 127.0.0.1 with nothing from elsewhere, and its script builds", async (t) => {
    const p = await playground(t);
    assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(p.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<script src="\/app.js"><\/script>/);
    assert.ok(!/https?:\/\//.test(html), "the page names no other server");
    const script = await fetch(`${p.url}app.js`);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /EventSource\("\/events"\)/);
    assert.equal((await fetch(`${p.url}app.css`)).status, 200);
  });

  test("a command is sent signed, as Slack sends it; until the bot is up, the person is told", async (t) => {
    const p = await playground(t);
    const early = await act(p, {
      kind: "command",
      as: RITA.id,
      channel: APPROVALS.id,
      text: "/vbo-audit help",
    });
    assert.match(early.result.notice ?? "", /still starting/);
    const bot = await fakeBot(t);
    p.connect({ eventsUrl: bot.eventsUrl, signingSecret: SECRET });
    const sent = await act(p, {
      kind: "command",
      as: RITA.id,
      channel: APPROVALS.id,
      text: "/vbo-audit  add ben.young legal hold",
    });
    assert.deepEqual(sent.result, { ok: true });
    const form = bot.received.at(-1)?.form;
    assert.equal(form?.get("command"), "/vbo-audit");
    assert.equal(form?.get("text"), "add ben.young legal hold");
    assert.equal(form?.get("user_id"), RITA.id);
    assert.equal(form?.get("channel_name"), "approvals");
    assert.match(form?.get("response_url") ?? "", new RegExp(`^${p.slack.url}/response/`));
  });

  test("what Slack would refuse is answered, and nothing reaches the bot", async (t) => {
    const p = await playground(t);
    const bot = await fakeBot(t);
    p.connect({ eventsUrl: bot.eventsUrl, signingSecret: SECRET });
    const other = await act(p, { kind: "command", as: RITA.id, channel: APPROVALS.id, text: "/giphy cats" });
    assert.match(other.result.notice ?? "", /\/giphy is not a valid command/);
    const chat = await act(p, { kind: "command", as: RITA.id, channel: APPROVALS.id, text: "hello" });
    assert.match(chat.result.notice ?? "", /only listens to its slash command/);
    const gone = await act(p, {
      kind: "click",
      as: RITA.id,
      actionId: "approve",
      on: { message: { channel: APPROVALS.id, ts: "1.000001" } },
    });
    assert.match(gone.result.notice ?? "", /no message/);
    assert.equal(bot.received.length, 0);
    assert.equal(
      (await act(p, { kind: "command", as: "U0NOBODY", channel: APPROVALS.id, text: "/vbo-audit" })).status,
      400,
    );
    assert.equal((await act(p, { kind: "dance", as: RITA.id })).status, 400);
    assert.equal((await fetch(`${p.url}state?as=U0NOBODY`)).status, 400);
  });

  test("an ack with a message is shown to the person alone; a failed ack is reported", async (t) => {
    const p = await playground(t);
    let status = 200;
    const bot = await fakeBot(t, () => ({ status, body: status === 200 ? '{"text":"Working on it"}' : "" }));
    p.connect({ eventsUrl: bot.eventsUrl, signingSecret: SECRET });
    await act(p, { kind: "command", as: RITA.id, channel: APPROVALS.id, text: "/vbo-audit list" });
    const rita = await state(p, RITA.id);
    assert.deepEqual(
      rita.items[APPROVALS.id]?.map((i) => [i.kind, i.text]),
      [["ephemeral", "Working on it"]],
    );
    assert.deepEqual(
      (await state(p, BOSS.id)).items[APPROVALS.id],
      [],
      "an ephemeral reply is the asker's alone",
    );
    status = 500;
    const failed = await act(p, {
      kind: "command",
      as: RITA.id,
      channel: APPROVALS.id,
      text: "/vbo-audit list",
    });
    assert.match(failed.result.notice ?? "", /dispatch_failed.*HTTP 500/);
  });

  test("a modal submission: errors keep it open; an empty ack closes it", async (t) => {
    const p = await playground(t);
    let errors = true;
    const bot = await fakeBot(t, (r) =>
      r.payload?.type === "view_submission" && errors
        ? { body: JSON.stringify({ response_action: "errors", errors: { why: "Say why." } }) }
        : {},
    );
    p.connect({ eventsUrl: bot.eventsUrl, signingSecret: SECRET });
    const res = await fetch(`${p.slack.apiUrl}views.open`, {
      method: "POST",
      headers: { authorization: `Bearer ${p.slack.botToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        trigger_id: p.slack.triggerId(BOSS.id),
        view: modal({
          title: "Deny",
          submit: "Deny",
          blocks: [textInput({ blockId: "why", actionId: "reason", label: "Why?" })],
        }),
      }),
    });
    const viewId = ((await res.json()) as { view: { id: string } }).view.id;
    assert.equal((await state(p, BOSS.id)).modal?.id, viewId);
    assert.equal((await state(p, RITA.id)).modal, undefined, "only its opener sees a modal");
    const refused = await act(p, { kind: "submit", as: BOSS.id, viewId, values: { reason: "" } });
    assert.deepEqual(refused.result, { ok: false, errors: { why: "Say why." } });
    assert.equal((await state(p, BOSS.id)).modal?.id, viewId);
    errors = false;
    assert.deepEqual(
      (await act(p, { kind: "submit", as: BOSS.id, viewId, values: { reason: "No grounds" } })).result,
      { ok: true },
    );
    const submitted = bot.received.at(-1)?.payload as { view: { state: { values: unknown } } };
    assert.deepEqual(submitted.view.state.values, {
      why: { reason: { type: "plain_text_input", value: "No grounds" } },
    });
    assert.equal((await state(p, BOSS.id)).modal, undefined);
  });

  test("a control runs as the person acting, and its failure is told, not thrown", async (t) => {
    let fail = false;
    const p = await playground(t, async (as) => {
      if (fail) throw new Error("the simulator is gone");
      return `ran as ${as}`;
    });
    assert.deepEqual((await act(p, { kind: "control", as: BOSS.id, id: "outage" })).result, {
      ok: true,
      notice: "ran as U0BOSS",
    });
    fail = true;
    assert.match(
      (await act(p, { kind: "control", as: BOSS.id, id: "outage" })).result.notice ?? "",
      /VB365 goes down failed: the simulator is gone/,
    );
    assert.match(
      (await act(p, { kind: "control", as: BOSS.id, id: "nope" })).result.notice ?? "",
      /no control "nope"/,
    );
  });

  test("the event stream says when something changed", async (t) => {
    const p = await playground(t);
    const controller = new AbortController();
    t.after(() => controller.abort());
    const res = await fetch(`${p.url}events`, { signal: controller.signal });
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = "";
    const next = async () => {
      const { value } = await reader.read();
      seen += decoder.decode(value);
    };
    await next();
    await fetch(`${p.slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${p.slack.botToken}`, "content-type": "application/json" },
      body: JSON.stringify({ channel: APPROVALS.id, text: "hello" }),
    });
    while (!seen.includes("data:")) await next();
    assert.match(seen, /data: \{"kind":"message","channel":"C0APPROVALS"\}/);
    const messages = (await state(p, RITA.id)).items[APPROVALS.id];
    assert.deepEqual(
      messages?.map((m) => [m.kind, m.text, m.edited]),
      [["message", "hello", false]],
    );
  });
});
