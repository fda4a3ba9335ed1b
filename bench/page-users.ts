/**
 * The directory sync's baseline, as a process of its own like the bot: merely page an organization's
 * `/Users` at the largest page size through the bot's own VB365 client, keeping nothing. Prints one
 * JSON line: the time, the users read, the process's peak resident memory, and (from a second,
 * untimed pass) what the users weigh as JSON.
 *
 * `node --import tsx bench/page-users.ts <url> <username> <password> <organization id>`
 */
import { systemClock } from "../src/clock.ts";
import { silentLogger } from "../src/logger.ts";
import { createVboClient } from "../src/vbo/client.ts";
import { MAX_PAGE_SIZE } from "../src/vbo/paging.ts";
import { memoryOf } from "./processes.ts";

const [baseUrl, username, password, organizationId] = process.argv.slice(2);
if (!baseUrl || !username || !password || !organizationId) {
  process.stderr.write("usage: page-users.ts <url> <username> <password> <organization id>\n");
  process.exit(2);
}

const vbo = createVboClient({
  baseUrl,
  username,
  password,
  apiVersion: "v8",
  logger: silentLogger,
  clock: systemClock,
});
try {
  // The token first, as the bot has one before it syncs.
  await vbo.listOrganizations();
  const start = performance.now();
  let users = 0;
  for await (const page of vbo.userPages(organizationId, { pageSize: MAX_PAGE_SIZE })) users += page.length;
  const ms = performance.now() - start;
  const peakMiB = memoryOf(process.pid).peak;
  let bytes = 0;
  for await (const page of vbo.userPages(organizationId, { pageSize: MAX_PAGE_SIZE }))
    for (const user of page) bytes += JSON.stringify(user).length;
  process.stdout.write(`${JSON.stringify({ ms, users, peakMiB, bytes })}\n`);
} finally {
  await vbo.close();
}
