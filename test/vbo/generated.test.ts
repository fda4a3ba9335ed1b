/**
 * Generated conformance: for every answer the client parses, in v6, v7 and v8, instances generated
 * from the official OpenAPI documents (test/vbo/generate.ts: every nullable field null, only the
 * required fields, each enum value, values outside the enums, random) are served over real HTTP to
 * the real client, which must accept them: display lists keep every item the bot can use and skip
 * (and count) only items without an id; audit items are returned, or refused as a whole with the
 * clear "cannot identify" message, never with a schema error. The same instances then go through
 * what users see (list, find, the digest, the access alert): nothing crashes, and no `undefined`,
 * `null` or `[object Object]` reaches Slack text. Seeds are fixed.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { buildAccessSummary, createAuditedIndex } from "../../src/core/access/match.ts";
import { auditEntries, buildDigest } from "../../src/core/digest/build.ts";
import { entryFromGroup, entryFromUser, toPrincipal } from "../../src/core/directory/entry.ts";
import { auditedPrincipals, type FoundPrincipal } from "../../src/core/queries/queries.ts";
import { renderAccessAlert } from "../../src/slack/blocks/alert.ts";
import { renderDigest } from "../../src/slack/blocks/digest.ts";
import { findReply } from "../../src/slack/blocks/replies/find.ts";
import { listReply } from "../../src/slack/blocks/replies/list.ts";
import { createVboClient, type VboClient } from "../../src/vbo/client.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import { embeddedPrincipalId, findAuditItem } from "../../src/vbo/principals.ts";
import {
  API_VERSIONS,
  type ApiVersion,
  type AuditItem,
  ExceptionInfo,
  type Group,
  type GroupMember,
  type RestoreSession,
  type RestoreSessionEvent,
  ServiceInstance,
  TokenResponse,
  type User,
} from "../../src/vbo/schemas.ts";
import { decode, failure } from "../../src/vbo/transport.ts";
import { ManualClock } from "../support/clock.ts";
import { jsonLogger } from "../support/logger.ts";
import { shownText } from "../support/slack.ts";
import { InstanceGenerator, seeded, UNKNOWN_ENUM_VALUE, type Variant } from "./generate.ts";

const ORG = "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020";
const SESSION = "7d1c3a2e-5b4f-4e8a-9c0d-1e2f3a4b5c6d";
const RANDOM_ROUNDS = 25;

/** Words that must never reach a person: what JavaScript prints for a value that is not text. */
const LEAKS = /\bundefined\b|\bnull\b|\[object Object\]|\bNaN\b/;

/** A VB365 stand-in that answers each route with the instance the test put there. */
class ReplayServer {
  readonly #bodies = new Map<string, unknown>();
  #server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://replay");
      const route = url.pathname.replace(/^\/v\d+/i, "").toLowerCase();
      let body: unknown;
      if (route === "/token") {
        body = {
          access_token: "replay-access",
          refresh_token: "replay-refresh",
          token_type: "bearer",
          expires_in: 3600,
        };
      } else if (this.#bodies.has(route)) {
        // A page past the first is empty: the walk ends there, whatever the instance's numbers say.
        const offset = Number(url.searchParams.get("offset") ?? 0);
        body = offset > 0 ? { offset, limit: 10, results: [] } : this.#bodies.get(route);
      } else {
        res.writeHead(404, { "content-type": "application/json" }).end('{"message":"not here"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(route: string, body: unknown): void {
    this.#bodies.set(route.toLowerCase(), body);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }
}

const items = (page: unknown): Array<Record<string, unknown>> =>
  ((page as { results?: unknown[] }).results ?? (Array.isArray(page) ? page : [])) as Array<
    Record<string, unknown>
  >;

/** What the client must keep of a page of users or groups: the items with an id. */
const withId = (list: Array<Record<string, unknown>>) => list.filter((i) => typeof i.id === "string");

/** Whether the bot can identify an audit item (the rule the client enforces, restated). */
function identifiable(item: Record<string, unknown>): boolean {
  const user = item.user as Record<string, unknown> | null | undefined;
  const group = item.group as Record<string, unknown> | null | undefined;
  const type = (item.type as string | null | undefined) ?? (user ? "User" : group ? "Group" : undefined);
  if (type !== undefined && type !== "User" && type !== "Group") return true; // left out, not refused
  const who = type === "User" ? user : group;
  const id = (who?.id as string | null | undefined) || embeddedPrincipalId(item.id as string | undefined);
  return typeof item.id === "string" && item.id !== "" && type !== undefined && !!id;
}

function assertClean(where: string, message: { text?: string; blocks?: unknown }): void {
  const text = shownText(message);
  assert.doesNotMatch(text, LEAKS, `${where}: ${text.match(LEAKS)?.[0]} in ${text.slice(0, 300)}`);
  assert.ok(text.trim().length > 0, `${where}: some text`);
}

function variants(generator: InstanceGenerator): Variant[] {
  return [
    { kind: "nulls" },
    { kind: "required" },
    ...Array.from({ length: generator.longestEnum() }, (_, round) => ({ kind: "enums" as const, round })),
    { kind: "unknownEnums" },
    ...Array.from({ length: RANDOM_ROUNDS }, () => ({ kind: "random" as const })),
  ];
}

const label = (v: Variant) => (v.kind === "enums" ? `enums #${v.round}` : v.kind);

for (const version of API_VERSIONS) {
  describe(`${version}: the client accepts what vb365_rest_${version} allows`, () => {
    const generator = new InstanceGenerator(version);
    const replay = new ReplayServer();
    let client: VboClient;
    const logs = jsonLogger();

    before(async () => {
      await replay.start();
      client = createVboClient({
        baseUrl: replay.url,
        username: "svc",
        password: "generated-suite-password",
        apiVersion: version,
        logger: logs.logger,
        clock: new ManualClock("2025-03-11T10:00:00Z"),
        maxRetries: 0,
      });
    });
    after(async () => {
      await client.close();
      await replay.close();
    });

    test("tokens, the service instance and error bodies decode", () => {
      const random = seeded(0x70c3e + version.length);
      for (const variant of variants(generator)) {
        const reply = (body: unknown, status = 200) => ({
          status,
          headers: { "content-type": "application/json" },
          text: JSON.stringify(body),
        });
        decode(reply(generator.instance("token", variant, random)), TokenResponse, "login");
        decode(reply(generator.instance("ServiceInstance_Get", variant, random)), ServiceInstance, "detect");
        const error = generator.instance("ServiceInstance_Get", variant, random, "default");
        assert.ok(ExceptionInfo.safeParse(error).success, label(variant));
        const described = failure(reply(error, 500), "detect").describe();
        assert.doesNotMatch(described, LEAKS, `${label(variant)}: ${described}`);
      }
    });

    test("every answer is accepted, and shows cleanly in list, find, the digest and the alert", async () => {
      const random = seeded(0x9e3779b9 ^ Number(version.slice(1)));
      let rounds = 0;
      for (const variant of variants(generator)) {
        const where = `${version} ${label(variant)}`;
        const gen = (operationId: string) => generator.instance(operationId, variant, random);
        const skippedBefore = client.skippedItems();

        // Organizations: an array before v8, a page on v8; nothing is required of an item.
        const orgs = gen("Organization_Get");
        replay.serve("/Organizations", orgs);
        assert.equal(
          (await client.listOrganizations()).length,
          items(orgs).length,
          `${where}: organizations`,
        );
        replay.serve(`/Organizations/${ORG}`, gen("Organization_GetById"));
        await client.getOrganization(ORG);

        // Users and groups: items without an id are skipped and counted, the rest kept.
        const userPage = gen("OrganizationUser_Get");
        replay.serve(`/Organizations/${ORG}/Users`, userPage);
        const users: User[] = await client.searchUsers(ORG, { displayName: "*" });
        assert.equal(users.length, withId(items(userPage)).length, `${where}: users`);
        const groupPage = gen("OrganizationGroup_Get");
        replay.serve(`/Organizations/${ORG}/Groups`, groupPage);
        const groups: Group[] = [];
        for await (const page of client.groupPages(ORG)) groups.push(...page);
        assert.equal(groups.length, withId(items(groupPage)).length, `${where}: groups`);
        const skipped = client.skippedItems();
        assert.equal(
          skipped.users - skippedBefore.users + skipped.groups - skippedBefore.groups,
          items(userPage).length + items(groupPage).length - users.length - groups.length,
          `${where}: skipped items are counted`,
        );
        for (const [operationId, route, get] of [
          ["OrganizationUser_GetById", "/Users/u1", () => client.getUser(ORG, "u1")],
          ["OrganizationGroup_GetById", "/Groups/g1", () => client.getGroup(ORG, "g1")],
        ] as const) {
          const one = gen(operationId) as Record<string, unknown>;
          replay.serve(`/Organizations/${ORG}${route}`, one);
          if (typeof one.id === "string") await get();
          else {
            await assert.rejects(get(), (err: unknown) => isVboError(err) && err.kind === "invalid_response");
          }
        }
        const memberPage = gen("OrganizationGroupMember_Get");
        replay.serve(`/Organizations/${ORG}/Groups/g1/Members`, memberPage);
        const members: GroupMember[] = [];
        for await (const page of client.groupMembers(ORG, "g1")) members.push(...page);
        assert.equal(members.length, items(memberPage).length, `${where}: members`);

        // Audit items: returned, or refused as a whole with the clear message.
        const auditList = gen("OrganizationAudit_Get") as Array<Record<string, unknown>>;
        replay.serve(`/Organizations/${ORG}/AuditItems`, auditList);
        let audit: AuditItem[] = [];
        if (auditList.every(identifiable)) {
          audit = await client.listAuditItems(ORG);
          const known = auditList.filter((i) => {
            const type = i.type ?? (i.user ? "User" : i.group ? "Group" : undefined);
            return type === "User" || type === "Group";
          });
          assert.equal(audit.length, known.length, `${where}: audit items`);
          if (variant.kind === "unknownEnums") assert.equal(audit.length, 0, "unknown types are left out");
        } else {
          await assert.rejects(client.listAuditItems(ORG), (err: unknown) => {
            assert.ok(isVboError(err), where);
            assert.match(err.message, /cannot identify/, where);
            return true;
          });
        }
        replay.serve("/AuditEmailSettings", gen("AuditEmailSettings_Get"));
        await client.getAuditEmailSettings();

        // Restore sessions and events: every field they need is required, so all are kept.
        const sessionPage = gen("RestoreSession_GetPage");
        replay.serve("/RestoreSessions", sessionPage);
        const sessions: RestoreSession[] = [];
        for await (const page of client.restoreSessions({ from: new Date("2025-03-11T00:00:00Z") }))
          sessions.push(...page);
        assert.equal(sessions.length, items(sessionPage).length, `${where}: sessions`);
        replay.serve(`/RestoreSessions/${SESSION}`, gen("RestoreSession_GetByRestoreSessionId"));
        const session = await client.getRestoreSession(SESSION);
        assert.ok(session, where);
        const eventPage = gen("RestoreSessionEvent_Get");
        replay.serve(`/RestoreSessions/${SESSION}/Events`, eventPage);
        const events: RestoreSessionEvent[] = [];
        for await (const page of client.restoreSessionEvents(SESSION)) events.push(...page);
        assert.equal(events.length, items(eventPage).length, `${where}: events`);
        if (version === "v8") {
          replay.serve("/Events", gen("Events_Get"));
          await client.changes("latest");
        }

        // What users see, from these same instances.
        const organization = { id: ORG, name: "vBridge" };
        assertClean(
          `${where} list`,
          listReply({ kind: "audited", ...auditedPrincipals(organization, audit) }),
        );
        const matches: FoundPrincipal[] = [...users.map(entryFromUser), ...groups.map(entryFromGroup)].map(
          (e) => {
            const principal = toPrincipal(e);
            return {
              principal,
              subtype: e.subtype,
              match: "upn",
              audited: !!findAuditItem(audit, principal),
            };
          },
        );
        assertClean(
          `${where} find`,
          findReply({
            kind: "found",
            organization,
            query: "young",
            matches,
            total: matches.length,
            marked: true,
          }),
        );
        const index = createAuditedIndex(
          organization,
          audit,
          new Map(
            audit.map((i) => [
              i.id,
              members.map((m) => ({ login: m.login ?? undefined, displayName: m.name ?? undefined })),
            ]),
          ),
        );
        // Point the first event at an audited principal, so that an alert is built from these instances.
        const first = audit.map((i) => (i.type === "User" ? i.user : i.group)?.id).find(Boolean);
        const touched = events.map((e, k) => (k === 0 && first ? { ...e, userId: first } : e));
        const summary = buildAccessSummary({
          session: session ?? sessions[0]!,
          events: touched,
          indexes: [index],
        });
        if (first && events.length > 0) assert.ok(summary, `${where}: an alert`);
        if (summary)
          assertClean(`${where} alert`, renderAccessAlert(summary, { timeZone: "Pacific/Auckland" }));
        const digest = buildDigest({
          generatedAt: new Date("2025-03-11T10:00:00Z"),
          since: new Date("2025-03-10T10:00:00Z"),
          trigger: { kind: "scheduled", period: "2025-03-11" },
          notifications: { kind: "on" },
          organizations: [
            {
              organization,
              current: { ok: true, entries: auditEntries(audit) },
              snapshot: [],
              changesSinceSnapshot: [],
              changes: [],
              openRequests: [],
              expired: [],
              access: summary ? [summary] : [],
            },
          ],
        });
        for (const message of renderDigest(digest, { timeZone: "UTC" }))
          assertClean(`${where} digest`, message);
        rounds++;
      }
      assert.ok(rounds > RANDOM_ROUNDS);
      // Values outside the enums were met, and each was logged once, not once per item.
      const unknown = logs.messages("vbo sent a value the bot does not know; handling it as unknown");
      assert.ok(unknown.some((l) => l.value === UNKNOWN_ENUM_VALUE));
      const keys = unknown.map((l) => `${String(l.field)}=${String(l.value)}`);
      assert.equal(new Set(keys).size, keys.length);
    });
  });
}

test("the generated instances are the same on every run (fixed seeds)", () => {
  const generate = () =>
    new InstanceGenerator("v8").instance("RestoreSessionEvent_Get", { kind: "random" }, seeded(7));
  assert.deepEqual(generate(), generate());
  assert.ok(API_VERSIONS.every((v: ApiVersion) => new InstanceGenerator(v).operationIds().length > 10));
});
