/**
 * The playground walk, as a person does it in the browser: ask for Ben Young to be audited, approve
 * it as an approver, see the requester told, list as a viewer (and be refused as a bystander, who is
 * not one), deny another request through the modal, cancel a third with the number its message
 * shows, trigger an export of Ben Young's mailbox and see the alert, then the digest (with the log
 * head) and the Home tab. Each step waits for what a person would see and fails with what is on
 * screen instead.
 * Shared by the browser test (test/playground/) and `npm run screenshots`.
 */
import type { Locator, Page } from "playwright-core";

export const PEOPLE = {
  requester: "U0PRIYA",
  approver: "U0AROHA",
  secondApprover: "U0LIAM",
  viewer: "U0TOM",
  bystander: "U0SARAH",
} as const;
const CHANNEL = {
  approvals: "C0APPROVALS",
  digest: "C0AUDITDIGEST",
  alerts: "C0AUDITALERTS",
  general: "C0GENERAL",
};

/** How long a step may wait for the bot (VB365 calls, a job run). */
const STEP_MS = 20_000;

export interface Shot {
  /** File name without extension, e.g. `request-pending`. */
  name: string;
  /** What to capture; the whole window when omitted. */
  clip?: Locator;
}

export type Shoot = (shot: Shot) => Promise<void>;

async function onScreen(page: Page, what: string, locator: Locator): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: "visible", timeout: STEP_MS });
  } catch {
    const pane = await page
      .locator("#messages")
      .textContent()
      .then((text) => text ?? "")
      .catch(() => "(no pane)");
    throw new Error(`the page never showed ${what}. The pane shows:\n${pane.slice(-1500)}`);
  }
  return locator.first();
}

async function actAs(page: Page, userId: string): Promise<void> {
  await page.click(`[data-person="${userId}"]`);
  await onScreen(
    page,
    `${userId} as the person acting`,
    page.locator(`.person.active[data-person="${userId}"]`),
  );
}

async function open(page: Page, conversation: string): Promise<void> {
  await page.click(`[data-conversation="${conversation}"]`);
  await onScreen(
    page,
    `${conversation} open`,
    page.locator(`.conversation.active[data-conversation="${conversation}"]`),
  );
}

async function openDm(page: Page): Promise<void> {
  const dm = page.locator("#dms .conversation").first();
  await dm.click();
  await onScreen(page, "the DM with the bot open", page.locator("#dms .conversation.active"));
}

async function type(page: Page, text: string): Promise<void> {
  await page.fill("#composer", text);
  await page.press("#composer", "Enter");
}

/** The message (or reply) in the open conversation that contains `text`, once it is there. */
function message(page: Page, text: string | RegExp): Locator {
  return page.locator("#messages article.msg", { hasText: text });
}

/** Mouse away, so that no hover highlight ends up in a screenshot. */
async function still(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
}

async function postDigest(page: Page): Promise<void> {
  const before = await page.locator(".control-result", { hasText: "digest went" }).count();
  await page.click('[data-control="digest"]');
  await onScreen(
    page,
    "the digest's result",
    page.locator(".control-result", { hasText: "digest went" }).nth(before),
  );
}

export async function walk(page: Page, url: string, shoot: Shoot = async () => {}): Promise<void> {
  await page.goto(`${url}?as=${PEOPLE.requester}&open=${CHANNEL.general}`);
  await onScreen(page, "the playground", page.locator("#composer"));

  // 1. The requester asks; the request appears in #approvals.
  await type(page, "/vbo-audit add ben.young legal hold #4411");
  await onScreen(page, "the ephemeral answer to add", message(page, "posted for approval"));
  await open(page, CHANNEL.approvals);
  const request = await onScreen(
    page,
    "request #1 in #approvals",
    message(page, "#1 · Start auditing Ben Young"),
  );
  await onScreen(page, "the Approve button", request.getByRole("button", { name: "Approve" }));

  // 2. An approver approves: the message changes in place; the requester hears by DM.
  await actAs(page, PEOPLE.approver);
  await open(page, CHANNEL.approvals);
  await still(page);
  await shoot({ name: "playground" });
  await shoot({ name: "request-pending", clip: message(page, "#1 · Start auditing Ben Young") });
  await message(page, "#1 · Start auditing Ben Young").getByRole("button", { name: "Approve" }).click();
  const approved = await onScreen(
    page,
    "request #1 approved and applied",
    message(page, "#1 · Start auditing Ben Young").filter({ hasText: /Audit item added/ }),
  );
  if ((await approved.getByRole("button").count()) > 0)
    throw new Error("the approved request still has buttons");
  if ((await approved.locator(".edited").count()) === 0)
    throw new Error("the request was not updated in place");
  await still(page);
  await shoot({ name: "request-approved", clip: approved });
  await actAs(page, PEOPLE.requester);
  await openDm(page);
  const told = await onScreen(page, "the requester's DM about the approval", message(page, /approved/i));
  await shoot({ name: "requester-dm", clip: told });

  // 3. A viewer lists who is audited and sees Ben Young.
  await actAs(page, PEOPLE.viewer);
  await open(page, CHANNEL.general);
  await type(page, "/vbo-audit list");
  await onScreen(
    page,
    "Ben Young in the viewer's list",
    message(page, /Ben Young/).filter({ hasText: /audited/i }),
  );
  // Someone who is neither an approver nor a viewer is told, in one line, that only viewers may.
  await actAs(page, PEOPLE.bystander);
  await open(page, CHANNEL.general);
  await type(page, "/vbo-audit list");
  await onScreen(page, "the bystander's refusal", message(page, /Only viewers may see who is audited/));

  // 4. Another request, denied through the modal with a reason.
  await actAs(page, PEOPLE.requester);
  await open(page, CHANNEL.general);
  await type(page, '/vbo-audit add "Sarah Young" mailbox check #4431');
  await onScreen(page, "the answer to the second add", message(page, /#2/));
  await actAs(page, PEOPLE.secondApprover);
  await open(page, CHANNEL.approvals);
  const second = await onScreen(
    page,
    "request #2 in #approvals",
    message(page, "#2 · Start auditing Sarah Young"),
  );
  await second.getByRole("button", { name: "Deny" }).click();
  const modal = await onScreen(page, "the deny modal", page.locator("form.modal"));
  await modal.locator("[data-input]").fill("Not enough grounds yet: HR has not asked for it.");
  await still(page);
  await shoot({ name: "deny-modal", clip: modal });
  await modal.getByRole("button", { name: "Deny" }).click();
  await page.locator("form.modal").waitFor({ state: "detached", timeout: STEP_MS });
  await onScreen(
    page,
    "request #2 denied with its reason",
    message(page, "#2 · Start auditing Sarah Young").filter({ hasText: "HR has not asked for it" }),
  );

  // 4b. A third request, cancelled by its requester with the #3 its message shows.
  await actAs(page, PEOPLE.requester);
  await open(page, CHANNEL.general);
  await type(page, "/vbo-audit add liam.chen asked by mistake");
  await onScreen(page, "the answer to the third add", message(page, /#3/));
  await type(page, "/vbo-audit cancel 3");
  await onScreen(page, "the answer to cancel", message(page, /#3.*is cancelled/));
  await open(page, CHANNEL.approvals);
  const cancelled = await onScreen(
    page,
    "request #3 cancelled",
    message(page, "#3 · Start auditing Liam Chen").filter({ hasText: "Cancelled" }),
  );
  if ((await cancelled.getByRole("button").count()) > 0)
    throw new Error("the cancelled request still has buttons");

  // 5. Someone exports Ben Young's mailbox: the alert follows in #audit-alerts.
  await page.click('[data-control="export-ben"]');
  await onScreen(page, "the export's result", page.locator(".control-result", { hasText: "Exported" }));
  await open(page, CHANNEL.alerts);
  const alert = await onScreen(
    page,
    "the access alert",
    message(page, /Ben Young/).filter({ hasText: /export/i }),
  );
  await still(page);
  await shoot({ name: "alert", clip: alert });

  // The digest: a first one, then a change made directly in VB365, which the next one reports.
  await postDigest(page);
  await page.click('[data-control="drift"]');
  await onScreen(page, "the drift's result", page.locator(".control-result", { hasText: "Finance" }));
  await postDigest(page);
  await open(page, CHANNEL.digest);
  const digest = await onScreen(
    page,
    "the digest reporting the change outside the bot",
    message(page, /Changed outside the bot/).filter({ hasText: "Finance" }),
  );
  await onScreen(page, "the log head at the digest's end", message(page, /log head \d+:[0-9a-f]{16}/));
  await still(page);
  await shoot({ name: "digest", clip: digest });

  // An approver's Home tab.
  await actAs(page, PEOPLE.approver);
  await page.click('[data-conversation="home"]');
  await onScreen(page, "the approver's Home tab", page.locator(".home-view"));
  await still(page);
  await shoot({ name: "app-home" });
}
