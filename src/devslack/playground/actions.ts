/**
 * What a person does on the page, done as Slack would: the payload built from what they see, sent
 * signed to the bot, and the bot's HTTP answer treated as Slack treats it (an ack with a message is
 * shown to them; a modal's `response_action` keeps, updates or closes it). What Slack would refuse
 * (an unknown command, a button no longer there) is answered the way Slack answers it.
 */
import { postToResponseUrl } from "../methods/response-urls.ts";
import type { Json, SlackView } from "../types.ts";
import {
  appHomeOpened,
  type BlockActionInput,
  blockAction,
  slashCommand,
  viewSubmission,
} from "../user-actions.ts";
import type { Workspace } from "../workspace.ts";
import { type AppLink, type Delivery, deliver, type Envelope } from "./deliver.ts";
import type { Act, ActResult, ClickTarget, Control } from "./protocol.ts";

/** A button beside the workspace that changes the world the bot watches (the simulated VB365). */
export interface PlaygroundControl extends Control {
  /** Does it as `as`; resolves with what happened, in a sentence for the person. */
  run(as: string): Promise<string>;
}

export interface ActContext {
  ws: Workspace;
  /** Undefined while the bot is still starting. */
  link: AppLink | undefined;
  controls: readonly PlaygroundControl[];
  /** The slash command installed in this workspace. */
  command: string;
}

const notice = (text: string): ActResult => ({ ok: false, notice: text });

export async function perform(ctx: ActContext, act: Act): Promise<ActResult> {
  if (act.kind === "control") return runControl(ctx, act.id, act.as);
  if (act.kind === "close") return closeModal(ctx.ws, act.as, act.viewId);
  if (!ctx.link) return notice("The bot is still starting: try again in a moment.");
  try {
    switch (act.kind) {
      case "command":
        return await command(ctx, ctx.link, act);
      case "click":
        return await click(ctx.ws, ctx.link, act);
      case "submit":
        return await submit(ctx.ws, ctx.link, act);
      case "home":
        return answered(
          await send(ctx.link, { kind: "event", body: appHomeOpened(ctx.ws, act.as) }),
          "the Home tab",
        );
    }
  } catch (err) {
    return notice(err instanceof Error ? err.message : String(err));
  }
}

async function send(link: AppLink, envelope: Envelope): Promise<Delivery> {
  try {
    return await deliver(link, envelope);
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "could not be reached";
    throw new Error(`The bot ${why}: Slack would show "dispatch_failed".`);
  }
}

function answered(delivery: Delivery, what: string): ActResult {
  if (delivery.status === 200) return { ok: true };
  return notice(`The bot answered ${what} with HTTP ${delivery.status}: Slack would show an error here.`);
}

async function command(
  ctx: ActContext,
  link: AppLink,
  act: Extract<Act, { kind: "command" }>,
): Promise<ActResult> {
  const typed = act.text.trim();
  if (!typed.startsWith("/")) {
    return notice(`The bot only listens to its slash command: try ${ctx.command} help.`);
  }
  const name = typed.split(/\s+/, 1)[0] ?? "";
  if (name !== ctx.command) return notice(`${name} is not a valid command. Try ${ctx.command} help.`);
  const fields = slashCommand(ctx.ws, {
    userId: act.as,
    channelId: act.channel,
    command: name,
    text: typed.slice(name.length).trim(),
  });
  const delivery = await send(link, { kind: "command", fields });
  if (delivery.status !== 200) {
    return notice(
      `${name} failed with the error "dispatch_failed" (the bot answered HTTP ${delivery.status}).`,
    );
  }
  // An ack with a body is Slack's immediate reply: shown to the person like any ephemeral one.
  if (delivery.body.trim() !== "") {
    const url = fields.response_url ?? "";
    const id = url.slice(url.indexOf("/response/") + "/response/".length);
    const isJson = delivery.body.trimStart().startsWith("{");
    const raw = isJson ? delivery.body : JSON.stringify({ text: delivery.body });
    postToResponseUrl(ctx.ws, id, raw, "application/json");
  }
  return { ok: true };
}

function clickTarget(ws: Workspace, on: ClickTarget, as: string): BlockActionInput["on"] {
  if ("message" in on) return on;
  if ("view" in on) return on;
  if ("home" in on) return { home: as };
  const reply = ws.responses.find((r) => r.ts === on.reply);
  if (!reply) throw new Error("That reply is gone: Slack would not send the click.");
  return { response: reply };
}

async function click(ws: Workspace, link: AppLink, act: Extract<Act, { kind: "click" }>): Promise<ActResult> {
  const payload = blockAction(ws, {
    userId: act.as,
    actionId: act.actionId,
    on: clickTarget(ws, act.on, act.as),
    ...(act.value === undefined ? {} : { value: act.value }),
    ...(act.selectedValue === undefined ? {} : { selectedValue: act.selectedValue }),
  });
  return answered(await send(link, { kind: "interaction", payload }), "the click");
}

function openModal(ws: Workspace, as: string, viewId: string): SlackView {
  const modal = ws.modals.find((v) => v.id === viewId && v.userId === as && !v.closed);
  if (!modal) throw new Error("That form is no longer open.");
  return modal;
}

async function submit(
  ws: Workspace,
  link: AppLink,
  act: Extract<Act, { kind: "submit" }>,
): Promise<ActResult> {
  const modal = openModal(ws, act.as, act.viewId);
  const payload = viewSubmission(ws, { userId: act.as, viewId: modal.id, values: act.values });
  const delivery = await send(link, { kind: "interaction", payload });
  if (delivery.status !== 200) {
    return notice(
      `We had some trouble connecting: the bot answered HTTP ${delivery.status}. The form stays open.`,
    );
  }
  let answer: Json = {};
  try {
    answer = delivery.body.trim() === "" ? {} : (JSON.parse(delivery.body) as Json);
  } catch {
    return notice("The bot answered the form with something Slack cannot read. The form stays open.");
  }
  // Slack's `response_action`: errors keep the form open; update replaces it; anything else closes it.
  if (answer.response_action === "errors") {
    return { ok: false, errors: (answer.errors ?? {}) as Record<string, string> };
  }
  if (answer.response_action === "update" && typeof answer.view === "object" && answer.view !== null) {
    modal.view = answer.view as Json;
    modal.versions.push({ view: modal.view, at: ws.now(), via: "response_action" });
  } else if (answer.response_action === "clear") {
    for (const v of ws.modals) if (v.userId === act.as) v.closed = true;
  } else {
    modal.closed = true;
  }
  ws.changed({ kind: "view", userId: act.as });
  return { ok: true };
}

function closeModal(ws: Workspace, as: string, viewId: string): ActResult {
  const modal = ws.modals.find((v) => v.id === viewId && v.userId === as);
  if (modal && !modal.closed) {
    modal.closed = true;
    ws.changed({ kind: "view", userId: as });
  }
  return { ok: true };
}

async function runControl(ctx: ActContext, id: string, as: string): Promise<ActResult> {
  const control = ctx.controls.find((c) => c.id === id);
  if (!control) return notice(`There is no control "${id}".`);
  try {
    return { ok: true, notice: await control.run(as) };
  } catch (err) {
    return notice(`${control.label} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
