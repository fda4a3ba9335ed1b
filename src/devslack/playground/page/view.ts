/**
 * The page drawn from a snapshot: the sidebar (people, channels, DMs, the App Home), the open
 * conversation or Home tab, the VB365 buttons, the modal and confirm dialogs. Only drawing here;
 * what clicks do is in ./main.ts.
 */
import type { Item, Person, Snapshot } from "../protocol.ts";
import { type ClickData, renderBlocks } from "./blockkit.ts";
import { slackDate } from "./dates.ts";
import { escapeHtml, renderMrkdwn } from "./mrkdwn.ts";
import { $, HOME, page } from "./state.ts";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
}

/** A message's time as Slack prints it beside the author, in the viewer's zone. */
function time(iso: string): string {
  return slackDate(new Date(iso).getTime() / 1000, "{time}");
}

/** A Slack-style note to the person, in the conversation they are in. */
export function note(text: string, conversation = page.open): void {
  page.notices.push({ conversation, text });
  renderPane();
}

export function skeleton(): void {
  $("#app").className = "app";
  $("#app").innerHTML = `
    <aside class="sidebar" aria-label="Workspace">
      <div class="workspace"><span id="workspace-name"></span><span class="badge">playground</span></div>
      <div class="sidebar-scroll">
        <div class="sidebar-title">Act as</div>
        <nav id="persons" aria-label="People"></nav>
        <div class="sidebar-title">Channels</div>
        <nav id="channels" aria-label="Channels"></nav>
        <div class="sidebar-title">Direct messages</div>
        <nav id="dms" aria-label="Direct messages"></nav>
        <div class="sidebar-title">Apps</div>
        <nav id="apps" aria-label="Apps"></nav>
      </div>
    </aside>
    <main class="pane">
      <header class="pane-header" id="pane-header"></header>
      <div class="status" id="status" hidden></div>
      <div class="messages" id="messages" aria-live="polite"></div>
      <form class="composer" id="composer-form" autocomplete="off">
        <input id="composer" name="text" aria-label="Message" value="/vbo-audit ">
        <button type="submit" class="send" aria-label="Send">Send</button>
      </form>
    </main>
    <aside class="controls" aria-label="Simulated VB365">
      <h2>Simulated VB365</h2>
      <p class="controls-intro">Things that happen outside Slack, for the bot to notice.</p>
      <div id="control-buttons"></div>
      <div class="control-log" id="control-log" aria-live="polite"></div>
    </aside>
    <div id="overlay" class="overlay" hidden></div>`;
}

export function person(): Person | undefined {
  return page.snap?.persons.find((p) => p.id === page.as);
}

export function renderSidebar(snap: Snapshot): void {
  $("#workspace-name").textContent = snap.workspace;
  $("#persons").innerHTML = snap.persons
    .map(
      (p, i) =>
        `<button class="person${p.id === page.as ? " active" : ""}" data-person="${escapeHtml(p.id)}">` +
        `<span class="avatar tone-${i % 6}">${escapeHtml(initials(p.realName))}</span>` +
        `<span class="person-text"><span class="person-name">${escapeHtml(p.realName)}</span>` +
        `<span class="person-role">${escapeHtml(p.role)}</span></span></button>`,
    )
    .join("");
  // Unread: what arrived since this person last had the conversation open (bold; DMs count).
  const unread = (id: string) => (snap.items[id]?.length ?? 0) - (page.seen[`${page.as} ${id}`] ?? 0);
  const link = (id: string, label: string, count: number, badge = false) =>
    `<button class="conversation${id === page.open ? " active" : ""}${count > 0 ? " unread" : ""}" data-conversation="${escapeHtml(id)}">` +
    `${label}${count > 0 && badge ? `<span class="count">${count}</span>` : ""}</button>`;
  $("#channels").innerHTML = snap.conversations
    .filter((c) => c.kind === "channel")
    .map((c) => link(c.id, `<span class="hash">#</span>${escapeHtml(c.name)}`, unread(c.id)))
    .join("");
  $("#dms").innerHTML = snap.conversations
    .filter((c) => c.kind === "dm")
    .map((c) => link(c.id, `<span class="dot"></span>${escapeHtml(c.name)}`, unread(c.id), true))
    .join("");
  $("#apps").innerHTML = link(HOME, `<span class="app-icon">VA</span>${escapeHtml(snap.bot.name)} Home`, 0);
}

function renderItem(item: Item, snap: Snapshot): string {
  const ctx = { names: snap.names, target: item.target };
  const content =
    item.blocks && item.blocks.length > 0
      ? renderBlocks(item.blocks, ctx)
      : `<div class="bk-text">${renderMrkdwn(item.text, snap.names)}</div>`;
  const ephemeral = item.kind === "ephemeral";
  return (
    `<article class="msg${ephemeral ? " ephemeral" : ""}" id="${escapeHtml(item.key)}" data-ts="${escapeHtml(item.ts)}">` +
    `<div class="avatar bot">VA</div><div class="msg-body"><div class="msg-meta">` +
    `<span class="author">${escapeHtml(snap.bot.name)}</span><span class="app-badge">APP</span>` +
    `<time datetime="${escapeHtml(item.at)}">${escapeHtml(time(item.at))}</time>` +
    `${item.edited ? '<span class="edited">(edited)</span>' : ""}</div>` +
    `<div class="msg-content">${content}</div>` +
    `${ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : ""}</div></article>`
  );
}

export function renderPane(): void {
  const snap = page.snap;
  if (!snap) return;
  const header = $("#pane-header");
  const messages = $<HTMLDivElement>("#messages");
  const composer = $<HTMLFormElement>("#composer-form");
  const status = $<HTMLElement>("#status");
  status.hidden = snap.connected;
  status.textContent = snap.connected ? "" : "The bot is starting…";
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  if (page.open === HOME) {
    header.innerHTML = `<span class="app-icon">VA</span> ${escapeHtml(snap.bot.name)} <span class="tab">Home</span>`;
    composer.hidden = true;
    messages.className = "messages home";
    messages.innerHTML = snap.home
      ? `<div class="home-view">${renderBlocks(snap.home.blocks, { names: snap.names, target: { home: true } })}</div>`
      : '<div class="empty">Opening the Home tab…</div>';
    return;
  }
  const conversation = snap.conversations.find((c) => c.id === page.open);
  const name = conversation?.name ?? page.open;
  header.innerHTML =
    conversation?.kind === "dm"
      ? `<span class="app-icon">VA</span> ${escapeHtml(name)}`
      : `<span class="hash">#</span>${escapeHtml(name)}`;
  composer.hidden = false;
  $<HTMLInputElement>("#composer").placeholder = `Message ${conversation?.kind === "dm" ? "" : "#"}${name}`;
  messages.className = "messages";
  const items = snap.items[page.open] ?? [];
  page.seen[`${page.as} ${page.open}`] = items.length;
  const notices = page.notices
    .filter((n) => n.conversation === page.open)
    .map((n) => `<div class="notice"><span class="notice-who">Slackbot</span> ${escapeHtml(n.text)}</div>`);
  messages.innerHTML =
    items.length === 0 && notices.length === 0
      ? '<div class="empty">Nothing here yet. Type <code>/vbo-audit help</code> below.</div>'
      : items.map((item) => renderItem(item, snap)).join("") + notices.join("");
  if (atBottom || !page.busy) messages.scrollTop = messages.scrollHeight;
}

export function renderControls(snap: Snapshot): void {
  const buttons = $("#control-buttons");
  if (buttons.childElementCount === 0) {
    buttons.innerHTML = snap.controls
      .map(
        (c) =>
          `<button class="control" data-control="${escapeHtml(c.id)}"><span class="control-label">${escapeHtml(c.label)}</span>` +
          `<span class="control-hint">${escapeHtml(c.hint)}</span></button>`,
      )
      .join("");
  }
  $("#control-log").innerHTML = page.controlLog
    .slice(-50)
    .map((line) => `<div class="control-result">${escapeHtml(line)}</div>`)
    .join("");
}

export function renderModal(snap: Snapshot): void {
  const overlay = $<HTMLDivElement>("#overlay");
  if (overlay.dataset.kind === "confirm") return;
  const modal = snap.modal;
  const signature = modal ? `${modal.id}:${JSON.stringify(modal.view)}` : "";
  if (signature === page.renderedModal) return;
  page.renderedModal = signature;
  if (!modal) {
    overlay.hidden = true;
    overlay.innerHTML = "";
    return;
  }
  const view = modal.view;
  const text = (v: unknown, fallback: string) =>
    typeof v === "object" && v !== null && typeof (v as { text?: unknown }).text === "string"
      ? (v as { text: string }).text
      : fallback;
  const submit = view.submit === undefined ? "" : text(view.submit, "Submit");
  overlay.hidden = false;
  overlay.dataset.kind = "modal";
  overlay.innerHTML =
    `<form class="modal" role="dialog" aria-modal="true" aria-label="${escapeHtml(text(view.title, "Modal"))}" data-view="${escapeHtml(modal.id)}">` +
    `<header class="modal-header"><span class="app-icon">VA</span><h2>${escapeHtml(text(view.title, ""))}</h2>` +
    `<button type="button" class="modal-x" data-close aria-label="Close">×</button></header>` +
    `<div class="modal-body">${renderBlocks(view.blocks, { names: snap.names, target: { view: modal.id } })}</div>` +
    `<footer class="modal-footer"><button type="button" class="bk-button" data-close>${escapeHtml(text(view.close, "Cancel"))}</button>` +
    `${submit ? `<button type="submit" class="bk-button primary">${escapeHtml(submit)}</button>` : ""}</footer></form>`;
  overlay.querySelector<HTMLElement>("[data-input]")?.focus();
}

export function render(): void {
  const snap = page.snap;
  if (!snap) return;
  renderPane();
  renderSidebar(snap);
  renderControls(snap);
  renderModal(snap);
}

export function askToConfirm(confirm: NonNullable<ClickData["confirm"]>): Promise<boolean> {
  const overlay = $<HTMLDivElement>("#overlay");
  overlay.hidden = false;
  overlay.dataset.kind = "confirm";
  overlay.innerHTML =
    `<div class="modal confirm" role="alertdialog" aria-modal="true" aria-label="${escapeHtml(confirm.title)}">` +
    `<header class="modal-header"><h2>${escapeHtml(confirm.title)}</h2></header>` +
    `<div class="modal-body">${renderMrkdwn(confirm.text, page.snap?.names ?? { users: {}, channels: {} })}</div>` +
    `<footer class="modal-footer"><button type="button" class="bk-button" data-answer="no">${escapeHtml(confirm.deny)}</button>` +
    `<button type="button" class="bk-button ${confirm.style === "danger" ? "danger" : "primary"}" data-answer="yes">${escapeHtml(confirm.confirm)}</button></footer></div>`;
  return new Promise((resolve) => {
    overlay.addEventListener(
      "click",
      function answer(event) {
        const button = (event.target as Element).closest<HTMLElement>("[data-answer]");
        if (!button) {
          overlay.addEventListener("click", answer, { once: true });
          return;
        }
        overlay.dataset.kind = "";
        overlay.hidden = true;
        overlay.innerHTML = "";
        page.renderedModal = "";
        if (page.snap) renderModal(page.snap);
        resolve(button.dataset.answer === "yes");
      },
      { once: true },
    );
  });
}
