/**
 * The playground's buttons for the world outside Slack, all through the simulator's own control
 * and fault hooks: someone exports Ben Young's mailbox, VB365 goes down and comes back, someone
 * changes audit items in the VB365 console, the digest goes out now. Jobs that would notice on
 * their next tick (every minute) are asked to look at once, so the page shows the result.
 */
import type { PlaygroundControl } from "../devslack/playground/index.ts";
import type { Jobs } from "../jobs/scheduler.ts";
import type { RunningSimulator } from "../sim/server.ts";
import { SEED } from "../sim/types.ts";

export interface ControlDeps {
  sim: RunningSimulator;
  /** The bot's jobs, once it has started. */
  jobs(): Jobs | undefined;
  now(): Date;
}

const ITEMS = ["Board minutes (draft)", "RE: Acquisition shortlist", "Payroll export March"];

function started(deps: ControlDeps): Jobs {
  const jobs = deps.jobs();
  if (!jobs) throw new Error("the bot is still starting");
  return jobs;
}

export function simulatorControls(deps: ControlDeps): PlaygroundControl[] {
  const { sim } = deps;
  const ben = SEED.benYoung;
  const org = SEED.organization.id;
  return [
    {
      id: "export-ben",
      label: "Someone exports Ben Young's mailbox",
      hint: "A restore session exports three of his messages; if he is audited, an alert follows.",
      run: async () => {
        const start = deps.now();
        const at = (seconds: number) => new Date(start.getTime() + seconds * 1000).toISOString();
        sim.control.addRestoreSession({
          organizationId: org,
          type: "Vex",
          name: `Exchange restore session: ${ben.displayName}`,
          initiatedBy: "VBRIDGE\\simon.service",
          clientHost: "VBO-PROXY01",
          reason: "Playground: export for a legal hold",
          scopeName: ben.name,
          creationTime: at(0),
          endTime: at(20),
          state: "Stopped",
          result: "Success",
          events: ITEMS.map((itemName, i) => ({
            type: "Export" as const,
            itemName,
            itemType: "Message",
            itemSizeBytes: 40_000 * (i + 1),
            source: `${ben.displayName}\\Inbox`,
            target: "C:\\export",
            startTime: at(2 + i * 5),
            endTime: at(5 + i * 5),
            status: "Success" as const,
            userId: ben.id,
          })),
        });
        const result = await started(deps).runNow("watch-access");
        return `Exported 3 of Ben Young's messages. Access watcher (${result.outcome}): ${result.detail}.`;
      },
    },
    {
      id: "vbo-down",
      label: "VB365 goes down",
      hint: "Every VB365 call answers 503 Service Unavailable until it comes back.",
      run: async () => {
        sim.faults.reset();
        sim.faults.failNext(Number.POSITIVE_INFINITY, 503);
        return "VB365 is down: every call answers 503. Approvals wait and are retried.";
      },
    },
    {
      id: "vbo-up",
      label: "VB365 comes back",
      hint: "Calls succeed again; approvals that waited are applied at the retry their message names.",
      run: async () => {
        sim.faults.reset();
        const result = await started(deps).runNow("retry-applies");
        return `VB365 is back. Retries due now (${result.outcome}): ${result.detail}; later ones at the time their message names.`;
      },
    },
    {
      id: "drift",
      // Says what the click does and that the bot is bypassed: that is what makes it drift.
      label: "Someone audits Finance directly in VB365 (or stops)",
      hint:
        "Adds the Finance group's audit item in the VB365 console, not through the bot, or removes it " +
        "when it is there: the next digest reports the change as drift.",
      run: async () => {
        const finance = SEED.groups.finance;
        const existing = sim.control
          .auditItems(org)
          .find((item) => item.principal.id.toLowerCase() === finance.id.toLowerCase());
        if (existing) {
          sim.control.removeAuditItem(org, existing.id);
          return "Finance is no longer audited, changed directly in VB365: the next digest reports it.";
        }
        sim.control.addAuditItem(org, { type: "Group", ...finance });
        return "Finance is now audited, changed directly in VB365: the next digest reports it.";
      },
    },
    {
      id: "digest",
      label: "Post the digest now",
      hint: "What the weekday 09:00 digest posts to #audit-digest.",
      run: async (as) => {
        const { messages } = await started(deps).digest.postNow(as);
        return `The digest went to #audit-digest (${messages} message${messages === 1 ? "" : "s"}).`;
      },
    },
  ];
}
