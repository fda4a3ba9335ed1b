/**
 * Job: the directory cache of every organization is read again from VB365 (nightly, and on demand
 * through `runNow("sync-directory")`), so `add ben.young` answers from fresh data.
 */

import { knownOrganizations } from "../core/organizations.ts";
import { plural } from "../core/vocabulary.ts";
import { describeError } from "../errors.ts";
import { type JobContext, type JobResult, mapLimit } from "./context.ts";

export async function syncDirectory(ctx: JobContext, _now: Date): Promise<JobResult> {
  const organizations = knownOrganizations(await ctx.vbo.listOrganizations());
  const failures: string[] = [];
  let users = 0;
  let groups = 0;
  // One organization at a time: a sync pages the whole directory and VB365 is not to be flooded.
  await mapLimit(organizations, 1, async (o) => {
    try {
      const result = await ctx.resolver.syncDirectory(o.id);
      users += result.users;
      groups += result.groups;
    } catch (err) {
      failures.push(`${o.name}: ${describeError(err)}`);
      ctx.logger.warn("directory sync failed for an organization; the next run tries again", {
        organizationId: o.id,
        error: err,
      });
    }
  });
  const synced = organizations.length - failures.length;
  const detail = `${plural(synced, "organization")} synced (${users} users, ${groups} groups)${
    failures.length > 0 ? `; failed: ${failures.join("; ")}` : ""
  }`;
  return { outcome: failures.length > 0 ? "failed" : "succeeded", detail };
}
