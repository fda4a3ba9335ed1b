/**
 * The playground's page: a Slack-like window onto the stand-in's workspace. It shows what the
 * chosen person sees (fetched from `/state`, again whenever `/events` says something changed) and
 * turns what they do into acts for `/act`. It holds no state of its own beyond what is on screen.
 */
import type { Act, Snapshot } from "../protocol.ts";
import type { ClickData } from "./blockkit.ts";
import { escapeHtml } from "./mrkdwn.ts";
import { $, act, HOME, page } from "./state.ts";
import { askToConfirm, note, person, render, renderControls, skeleton } from "./view.ts";

async function refresh(): Promise<void> {
  // Without a person (the first visit), the server answers as the first one.
  const res = await fetch(page.as ? `/state?as=${encodeURIComponent(page.as)}` : "/state");
  if (!res.ok) {
    note(`The playground did not answer (${res.status}): is npm run demo still running?`);
    return;
  }
  page.snap = (await res.json()) as Snapshot;
  page.as = page.snap.as;
  document.title = `${person()?.realName ?? ""} · ${page.snap.workspace} · vbo-audit playground`;
  if (page.open !== HOME && !page.snap.conversations.some((c) => c.id === page.open)) {
    page.open = page.snap.conversations[0]?.id ?? HOME;
  }
  render();
}

let refreshTimer: number | undefined;
function refreshSoon(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    refresh().catch((err: unknown) => note(String(err)));
  }, 30);
}

function remember(): void {
  const url = new URL(window.location.href);
  url.searchParams.set("as", page.as);
  url.searchParams.set("open", page.open);
  window.history.replaceState(null, "", url);
}

async function openConversation(id: string): Promise<void> {
  page.open = id;
  remember();
  render();
  if (id === HOME) {
    const result = await act({ kind: "home", as: page.as });
    if (result.notice) note(result.notice);
  }
}

async function switchPerson(id: string): Promise<void> {
  const wasDm = page.snap?.conversations.find((c) => c.id === page.open)?.kind === "dm";
  page.as = id;
  page.renderedModal = "";
  await refresh();
  if (wasDm) page.open = page.snap?.conversations.find((c) => c.kind === "dm")?.id ?? page.open;
  await openConversation(page.open);
}

async function sendClick(data: ClickData, selectedValue?: string): Promise<void> {
  const body: Act = {
    kind: "click",
    as: page.as,
    actionId: data.actionId,
    on: data.on,
    ...(data.value === undefined ? {} : { value: data.value }),
    ...(selectedValue === undefined ? {} : { selectedValue }),
  };
  const result = await act(body);
  if (result.notice) note(result.notice);
}

async function onClick(event: MouseEvent): Promise<void> {
  const target = event.target as Element;
  const personButton = target.closest<HTMLElement>("[data-person]");
  if (personButton?.dataset.person) return switchPerson(personButton.dataset.person);
  const conversation = target.closest<HTMLElement>("[data-conversation]");
  if (conversation?.dataset.conversation) return openConversation(conversation.dataset.conversation);
  const control = target.closest<HTMLButtonElement>("[data-control]");
  if (control?.dataset.control) {
    control.disabled = true;
    try {
      const result = await act({ kind: "control", as: page.as, id: control.dataset.control });
      page.controlLog.push(result.notice ?? (result.ok ? "Done." : "It did not work."));
      if (page.snap) renderControls(page.snap);
    } finally {
      control.disabled = false;
    }
    return;
  }
  const close = target.closest<HTMLElement>("[data-close]");
  const form = target.closest<HTMLFormElement>("form[data-view]");
  if (close && form?.dataset.view) {
    await act({ kind: "close", as: page.as, viewId: form.dataset.view });
    return;
  }
  const clickable = target.closest<HTMLElement>("[data-click]");
  if (clickable?.dataset.click) {
    const data = JSON.parse(clickable.dataset.click) as ClickData;
    if (data.confirm && !(await askToConfirm(data.confirm))) return;
    await sendClick(data);
  }
}

async function onChange(event: Event): Promise<void> {
  const select = (event.target as Element).closest<HTMLSelectElement>("select[data-pick]");
  if (!select?.dataset.pick) return;
  const data = JSON.parse(select.dataset.pick) as ClickData;
  if (data.confirm && !(await askToConfirm(data.confirm))) return;
  await sendClick(data, select.value);
}

async function onSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  if (form.id === "composer-form") {
    const input = $<HTMLInputElement>("#composer");
    const text = input.value;
    if (text.trim() === "" || text.trim() === "/vbo-audit") return;
    page.busy = true;
    input.value = "/vbo-audit ";
    const result = await act({ kind: "command", as: page.as, channel: page.open, text });
    page.busy = false;
    if (result.notice) note(result.notice);
    return;
  }
  const viewId = form.dataset.view;
  if (!viewId) return;
  const values: Record<string, string> = {};
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    "[data-input]",
  )) {
    if (input.dataset.input) values[input.dataset.input] = input.value;
  }
  const result = await act({ kind: "submit", as: page.as, viewId, values });
  for (const label of form.querySelectorAll<HTMLElement>("[data-block]")) {
    const error = result.errors?.[label.dataset.block ?? ""];
    label.classList.toggle("has-error", error !== undefined);
    label.querySelector(".bk-error")?.remove();
    if (error)
      label
        .querySelector("[data-input]")
        ?.insertAdjacentHTML("afterend", `<div class="bk-error">${escapeHtml(error)}</div>`);
  }
  if (result.notice) note(result.notice);
}

function listen(): void {
  const report = (err: unknown) => note(err instanceof Error ? err.message : String(err));
  document.addEventListener("click", (e) => void onClick(e).catch(report));
  document.addEventListener("change", (e) => void onChange(e).catch(report));
  document.addEventListener("submit", (e) => void onSubmit(e).catch(report));
  document.addEventListener("keydown", (e) => {
    const overlay = document.querySelector<HTMLElement>("#overlay");
    const form = overlay?.querySelector<HTMLFormElement>("form[data-view]");
    if (e.key === "Escape" && form?.dataset.view && overlay?.dataset.kind === "modal") {
      act({ kind: "close", as: page.as, viewId: form.dataset.view }).catch(report);
    }
  });
  const events = new EventSource("/events");
  events.onmessage = () => refreshSoon();
  // After a reconnect (the server restarted, the laptop slept) the whole state is fetched again.
  events.onopen = () => refreshSoon();
}

async function start(): Promise<void> {
  const params = new URL(window.location.href).searchParams;
  skeleton();
  page.as = params.get("as") ?? "";
  page.open = params.get("open") ?? "";
  await refresh();
  if (!page.open) page.open = page.snap?.conversations[0]?.id ?? HOME;
  await openConversation(page.open);
  listen();
}

start().catch((err: unknown) => {
  const app = document.querySelector("#app");
  if (app) app.textContent = `The playground could not start: ${String(err)}`;
});
