import assert from "node:assert/strict";
import { test } from "node:test";
import { chatMethods } from "../../../src/devslack/methods/chat.ts";
import { postToResponseUrl } from "../../../src/devslack/methods/response-urls.ts";
import { snapshotFor } from "../../../src/devslack/playground/snapshot.ts";
import { Workspace } from "../../../src/devslack/workspace.ts";

const person = (id: string, realName: string) => ({
  id,
  name: id.toLowerCase(),
  realName,
  email: "",
  role: "",
});
const RITA = person("U0RITA", "Rita");
const BOSS = person("U0BOSS", "Boss");
const setup = { workspace: "Test", botName: "vbo-audit", persons: [RITA, BOSS], controls: [] };

function workspace() {
  const ws = new Workspace({ channels: [{ id: "C0APPROVALS", name: "approvals" }], users: [RITA, BOSS] });
  ws.baseUrl = "http://127.0.0.1:1";
  for (const p of [RITA, BOSS]) ws.openDm(p.id);
  const chat = chatMethods(ws);
  const post = (args: Record<string, unknown>) => chat["chat.postMessage"]?.run(args).body as { ts: string };
  const reply = (context: Parameters<Workspace["mintResponseUrl"]>[0], body: Record<string, unknown>) => {
    const url = ws.mintResponseUrl(context);
    postToResponseUrl(
      ws,
      url.slice(url.indexOf("/response/") + 10),
      JSON.stringify(body),
      "application/json",
    );
  };
  return { ws, post, reply, update: (args: Record<string, unknown>) => chat["chat.update"]?.run(args) };
}

test("each person sees the channels, their own DM, and only their own ephemeral replies, in order", () => {
  const { ws, post, reply } = workspace();
  post({ channel: "C0APPROVALS", text: "Request #1" });
  reply({ channel: "C0APPROVALS", userId: RITA.id }, { text: "Posted for approval" });
  reply({ channel: "C0APPROVALS", userId: BOSS.id }, { text: "Only approvers can approve" });
  reply(
    { channel: "C0APPROVALS", userId: RITA.id },
    { text: "Everyone sees this", response_type: "in_channel" },
  );
  post({ channel: RITA.id, text: "Your request was approved" });

  const rita = snapshotFor(ws, setup, RITA.id, true);
  assert.deepEqual(
    rita.conversations.map((c) => [c.name, c.kind]),
    [
      ["approvals", "channel"],
      ["vbo-audit", "dm"],
    ],
  );
  assert.deepEqual(
    rita.items.C0APPROVALS?.map((i) => [i.kind, i.text]),
    [
      ["message", "Request #1"],
      ["ephemeral", "Posted for approval"],
      ["message", "Everyone sees this"],
    ],
  );
  assert.deepEqual(
    rita.items[ws.dmByUser.get(RITA.id) as string]?.map((i) => i.text),
    ["Your request was approved"],
  );
  const boss = snapshotFor(ws, setup, BOSS.id, true);
  assert.deepEqual(
    boss.items.C0APPROVALS?.map((i) => i.text),
    ["Request #1", "Only approvers can approve", "Everyone sees this"],
  );
  assert.deepEqual(boss.items[ws.dmByUser.get(BOSS.id) as string], []);
  assert.equal(boss.names.users[ws.botUserId], "vbo-audit");
});

test("a message changed in place is one item, marked edited; a reply that only replaced it is not shown", () => {
  const { ws, post, reply, update } = workspace();
  const { ts } = post({ channel: "C0APPROVALS", text: "Waiting for approval" });
  update({ channel: "C0APPROVALS", ts, text: "Approved" });
  reply(
    { channel: "C0APPROVALS", userId: BOSS.id, messageTs: ts },
    { text: "Approved (again)", replace_original: true },
  );
  const items = snapshotFor(ws, setup, BOSS.id, true).items.C0APPROVALS;
  assert.deepEqual(
    items?.map((i) => [i.text, i.edited, i.target]),
    [["Approved (again)", true, { message: { channel: "C0APPROVALS", ts } }]],
  );
});
