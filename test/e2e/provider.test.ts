/**
 * A service provider, end to end: two VB365 servers (`eu` holding Acme and Globex, `us` holding
 * Initech) and a routing file giving each tenant its own approvals, digest and alerts channels,
 * its own approvers and its own viewers. Rita, who asks, is none of them; the provider's NOC views
 * every route; Umbrella, also on `eu`, is on no route (and there is no default route). Every story
 * runs the whole bot against the simulated fleet and the fake Slack.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tenantDomain } from "../../src/sim/seed-tenants.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { RITA } from "../support/actors.ts";
import { JOBS_BY_HAND } from "../support/schedules.ts";
import { findButton, textOf } from "./harness.ts";
import { type ProviderWorld, startProviderWorld } from "./provider-harness.ts";

interface Tenant {
  name: string;
  server: string;
  approver: string;
  viewer: string;
  approvals: string;
  digest: string;
  alerts: string;
}

const ACME: Tenant = {
  name: "Acme",
  server: "eu",
  approver: "U0ACMESEC",
  viewer: "U0ACMEVIEW",
  approvals: "C0ACMEAPPR",
  digest: "C0ACMEDGST",
  alerts: "C0ACMEALRT",
};
const GLOBEX: Tenant = {
  name: "Globex",
  server: "eu",
  approver: "U0GLOBSEC",
  viewer: "U0GLOBVIEW",
  approvals: "C0GLOBAPPR",
  digest: "C0GLOBDGST",
  alerts: "C0GLOBALRT",
};
const INITECH: Tenant = {
  name: "Initech",
  server: "us",
  approver: "U0INITSEC",
  viewer: "U0INITVIEW",
  approvals: "C0INITAPPR",
  digest: "C0INITDGST",
  alerts: "C0INITALRT",
};
const TENANTS = [ACME, GLOBEX, INITECH];
/** The provider's own operations team: a viewer on every route, so it sees what spans them (status). */
const NOC = "U0NOC";
/** On `eu` too, but no route takes it and there is no default route. */
const UMBRELLA = "Umbrella";

const channelsOf = (tenants: readonly Tenant[]) => tenants.flatMap((x) => [x.approvals, x.digest, x.alerts]);
const usersOf = (tenants: readonly Tenant[]) => [
  { id: RITA, name: "rita", email: "rita@provider.example" },
  { id: NOC, name: "noc", email: "noc@provider.example" },
  ...tenants.flatMap((x) => [
    { id: x.approver, name: `${x.name.toLowerCase()}-security` },
    { id: x.viewer, name: `${x.name.toLowerCase()}-it` },
  ]),
];

/** One route per tenant; `match` is its `organizations:` entry. */
function routeYaml(x: Tenant, name: string, match: string): string {
  return [
    `  - name: ${name}`,
    "    organizations:",
    `      - ${match}`,
    "    channels:",
    `      approvals: ${x.approvals}`,
    `      digest: ${x.digest}`,
    `      alerts: ${x.alerts}`,
    "    approvers:",
    `      users: [${x.approver}]`,
    "    viewers:",
    `      users: [${x.viewer}, ${NOC}]`,
  ].join("\n");
}

const routesYaml = (tenants: readonly Tenant[]) =>
  [
    "routes:",
    ...tenants.map((x) => routeYaml(x, x.name.toLowerCase(), `{ server: ${x.server}, name: ${x.name} }`)),
  ].join("\n");

function startProvider(t: Parameters<typeof startProviderWorld>[0], jobs = false): Promise<ProviderWorld> {
  return startProviderWorld(t, {
    servers: [
      { name: "eu", organizationNames: [ACME.name, GLOBEX.name, UMBRELLA] },
      { name: "us", organizationNames: [INITECH.name] },
    ],
    routesYaml: routesYaml(TENANTS),
    channels: channelsOf(TENANTS),
    users: usersOf(TENANTS),
    ...(jobs ? { bot: { jobs: JOBS_BY_HAND } } : {}),
  });
}

/** Rita asks to audit Ben Young of `tenant` (a name or `server/name`); resolves with the new request's id. */
async function askFor(world: ProviderWorld, tenant: Tenant | string, reason: string): Promise<number> {
  const org = typeof tenant === "string" ? tenant : tenant.name;
  const answer = await world.ask(RITA, `add ben.young --org ${org} ${reason}`);
  assert.match(textOf(answer), /posted for approval/, textOf(answer));
  const id = world.bot.store.requests.listAll().at(-1)?.id;
  assert.ok(id !== undefined, "the request was recorded");
  return id;
}

/** `approver` clicks Approve on request `id`; the approval message then says it was applied. */
async function approveApplied(world: ProviderWorld, approver: string, id: number): Promise<void> {
  await world.clickOnRequest(approver, ACTION.approve, id);
  await world.fake.waitFor(
    () => /Audit item added in VB365/.test(textOf(world.approvalMessage(id).message)) || undefined,
    10_000,
    `request ${id} applied`,
  );
}

const organizationId = (world: ProviderWorld, server: string, name: string): string => {
  const org = world.fleet
    .server(server)
    .sim.control.organizations()
    .find((o) => o.name === name);
  assert.ok(org, `${name} is on ${server}`);
  return org.id;
};

describe("a service provider: two servers, three tenants, a route each", () => {
  test("each tenant's request is posted in its own route's approvals channel and nowhere else", async (t) => {
    const world = await startProvider(t);
    const ids = new Map<Tenant, number>();
    for (const x of TENANTS) ids.set(x, await askFor(world, x, `case ${x.name}`));

    for (const x of TENANTS) {
      const posted = world.fake.messagesIn(x.approvals);
      assert.equal(posted.length, 1, `one request in ${x.name}'s approvals channel`);
      const [message] = posted;
      assert.ok(message);
      assert.equal(findButton(message.blocks, ACTION.approve), String(ids.get(x)));
      const text = textOf(message);
      assert.ok(text.includes(`ben.young@${tenantDomain(x.name)}`), text);
      for (const other of TENANTS.filter((o) => o !== x))
        assert.ok(!text.includes(tenantDomain(other.name)), `${x.name}'s request names no other tenant`);
      assert.equal(world.approvalMessage(ids.get(x) ?? 0).channel, x.approvals);
      assert.equal(world.fake.messagesIn(x.digest).length, 0);
      assert.equal(world.fake.messagesIn(x.alerts).length, 0);
    }
    assert.equal(world.auditPosts("eu") + world.auditPosts("us"), 0, "nothing applied before approval");
  });

  test("a person picked among several on us is asked for on Initech's route", async (t) => {
    const world = await startProvider(t);
    const answer = await world.ask(RITA, "add young --org Initech case 12");
    assert.match(textOf(answer), /Several users or groups/, textOf(answer));
    // Twelve Youngs on Initech: a menu of them.
    type Menu = { elements?: Array<{ options?: Array<{ text: { text: string }; value: string }> }> };
    const ben = (answer.blocks as Menu[])
      .flatMap((b) => b.elements ?? [])
      .flatMap((e) => e.options ?? [])
      .find((o) => o.text.text.includes(`ben.young@${tenantDomain(INITECH.name)}`));
    assert.ok(ben, "Ben Young of Initech is a candidate");
    assert.match(textOf(await world.pick(RITA, answer, { selectedValue: ben.value })), /posted for approval/);

    const [request] = world.bot.store.requests.listAll();
    assert.equal(request?.organization.server, "us");
    assert.equal(world.approvalMessage(request.id).channel, INITECH.approvals);
    await approveApplied(world, INITECH.approver, request.id);
    assert.equal(world.auditPosts("us"), 1);
  });

  test("an approver of Acme is refused on Globex's request; Globex's approver applies it on eu", async (t) => {
    const world = await startProvider(t);
    const id = await askFor(world, GLOBEX, "mailbox check #9");

    const refused = await world.answer(await world.clickOnRequest(ACME.approver, ACTION.approve, id));
    assert.match(textOf(refused), /Only approvers can approve or deny requests; nothing changed/);
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(world.auditPosts("eu"), 0, "VB365 got no POST");
    assert.ok(
      !world.bot.store.log.forRequest(id).some((e) => e.actor === ACME.approver),
      "no decision of Acme's approver recorded",
    );

    await approveApplied(world, GLOBEX.approver, id);
    assert.equal(world.auditPosts("eu"), 1);
    assert.equal(world.auditPosts("us"), 0);
  });

  test("a viewer of Acme lists Acme but not Globex, and the log shows Acme's entries only", async (t) => {
    const world = await startProvider(t);
    await askFor(world, ACME, "acme legal hold #1");
    await askFor(world, GLOBEX, "globex legal hold #2");

    const globex = textOf(await world.ask(ACME.viewer, "list --org Globex"));
    assert.match(globex, /Only viewers may see who is audited/);
    assert.ok(!globex.includes("Executive Team"), globex);
    const acme = textOf(await world.ask(ACME.viewer, "list --org Acme"));
    assert.ok(acme.includes("Executive Team"), acme);

    const log = textOf(await world.ask(ACME.viewer, "log"));
    assert.ok(log.includes("acme legal hold #1"), log);
    assert.ok(!log.includes("globex legal hold #2"), "none of Globex's entries");
  });

  test("with the us server down, eu's requests still apply and status and /readyz name us", async (t) => {
    const world = await startProvider(t);
    const us = world.fleet.server("us");
    us.sim.faults.failNext(10_000, 503);

    const id = await askFor(world, ACME, "while us is down");
    await approveApplied(world, ACME.approver, id);
    assert.equal(world.auditPosts("eu"), 1, "exactly one POST on eu");
    assert.equal(world.auditPosts("us"), 0);

    // Status spans every route: Acme's viewer is told only whether VB365 answers.
    assert.match(textOf(await world.ask(ACME.viewer, "status")), /Only viewers may see VB365's details/);
    const status = textOf(await world.ask(NOC, "status"));
    assert.match(status, /\*us\* :red_circle: \*not reachable\*/, status);
    assert.match(status, /\*eu\* :large_green_circle:/, status);

    const ready = await fetch(`${world.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, unreachable: ["us"] });
  });

  test("each digest channel gets one digest, naming its own tenant only", async (t) => {
    const world = await startProvider(t, true);
    for (const x of TENANTS) await askFor(world, x, `digest case ${x.name}`);
    const { jobs } = world.bot;
    assert.ok(jobs);
    const posted = await jobs.digest.postNow(ACME.approver);
    assert.deepEqual([...posted.channels].sort(), TENANTS.map((x) => x.digest).sort());

    for (const x of TENANTS) {
      const digests = world.fake.messagesIn(x.digest);
      assert.equal(digests.length, 1, `one digest in ${x.name}'s channel`);
      const text = textOf(digests[0]);
      assert.ok(text.includes(x.name), text);
      for (const other of [...TENANTS.filter((o) => o !== x).map((o) => o.name), UMBRELLA])
        assert.ok(!text.includes(other), `${x.name}'s digest does not mention ${other}: ${text}`);
    }
  });

  test("an access to audited data on Initech alerts Initech's alerts channel only", async (t) => {
    const world = await startProvider(t, true);
    const id = await askFor(world, INITECH, "watch ben");
    await approveApplied(world, INITECH.approver, id);
    const us = world.fleet.server("us").sim;
    const initech = organizationId(world, "us", INITECH.name);
    const ben = us.control.auditItems(initech).find((i) => i.principal.name.startsWith("ben.young@"));
    assert.ok(ben, "Ben Young of Initech is audited on us");

    const now = world.bot.clock.now().getTime();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    us.control.addRestoreSession({
      organizationId: initech,
      initiatedBy: "INITECH\\simon.service",
      clientHost: "VBO-US-PROXY",
      scopeName: ben.principal.name,
      creationTime: at(5),
      endTime: at(4),
      events: [
        {
          type: "Export",
          itemName: "Board pack",
          source: "Ben Young\\Inbox",
          target: "C:\\export",
          startTime: at(5),
          endTime: at(4),
          userId: ben.principal.id,
        },
      ],
    });
    const { jobs } = world.bot;
    assert.ok(jobs);
    const run = await jobs.runNow("watch-access");
    assert.equal(run.outcome, "succeeded", run.detail);

    const alerts = world.fake.messagesIn(INITECH.alerts);
    assert.equal(alerts.length, 1);
    assert.match(textOf(alerts[0]), /simon service exported 1 item from Ben Young's mailbox/);
    for (const other of [ACME, GLOBEX]) assert.equal(world.fake.messagesIn(other.alerts).length, 0);
  });

  test("an organization no route takes is refused with a clear answer, and nothing is recorded", async (t) => {
    const world = await startProvider(t);
    const answer = textOf(await world.ask(RITA, `add ben.young --org ${UMBRELLA} please`));
    assert.match(answer, /\*Umbrella\* is not routed to any approvers, so the bot takes no requests for it/);
    assert.equal(world.bot.store.requests.listAll().length, 0, "no request");
    assert.equal(world.bot.store.log.list().length, 0, "nothing in the approval log");
    for (const channel of channelsOf(TENANTS)) assert.equal(world.fake.messagesIn(channel).length, 0);
    assert.equal(world.auditPosts("eu"), 0);
  });
});

describe("a name on both servers", () => {
  const ACME_US: Tenant = {
    ...INITECH,
    name: "Acme",
    approvals: "C0USAPPR",
    digest: "C0USDGST",
    alerts: "C0USALRT",
    approver: "U0USSEC",
    viewer: "U0USVIEW",
  };

  test("--org Acme asks for the server; --org us/Acme posts to us's route", async (t) => {
    const world = await startProviderWorld(t, {
      servers: [
        { name: "eu", organizationNames: [ACME.name, GLOBEX.name] },
        { name: "us", organizationNames: [ACME.name, INITECH.name] },
      ],
      routesYaml: [
        "routes:",
        routeYaml(ACME, "acme-eu", "{ server: eu, name: Acme }"),
        routeYaml(ACME_US, "us", "{ server: us }"),
      ].join("\n"),
      channels: channelsOf([ACME, ACME_US]),
      users: usersOf([ACME, ACME_US]),
    });

    const clash = textOf(await world.ask(RITA, "add ben.young --org Acme"));
    assert.match(clash, /`Acme` is an organization on more than one VB365 server/, clash);
    assert.match(clash, /--org (eu|us)\/Acme/);
    assert.equal(world.bot.store.requests.listAll().length, 0);

    const id = await askFor(world, "us/Acme", "the us one");
    assert.equal(world.approvalMessage(id).channel, ACME_US.approvals);
    assert.equal(world.fake.messagesIn(ACME.approvals).length, 0, "nothing in eu's Acme channel");
    assert.equal(world.bot.store.requests.get(id)?.organization.server, "us");
  });
});
