/**
 * Spec conformance: for v6, v7 and v8, every operation of that version's official OpenAPI document
 * is called on the simulator (successes and typical failures), and each status code and body is
 * checked against the document. The expected success status is read from the document itself.
 * Both field modes are held to it; the realistic one must also write every declared field.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createSimulator, type RunningSimulator } from "../../src/sim/server.ts";
import { FIELD_MODES } from "../../src/sim/shape.ts";
import { SEED } from "../../src/sim/types.ts";
import { API_VERSIONS, type ApiVersion } from "../../src/vbo/schemas.ts";
import { call, login, type Reply } from "./helpers.ts";
import { OpenApiDoc } from "./openapi.ts";

const org = SEED.organization.id;
const UNKNOWN_UUID = "0b0b0b0b-1c1c-4d4d-8e8e-9f9f9f9f9f9f";

interface HitOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** null: no Authorization header. Default: the suite's token. */
  token?: string | null;
  /** Default: the operation's documented success status. */
  status?: number;
}

interface Env {
  version: ApiVersion;
  sim: RunningSimulator;
  doc: OpenApiDoc;
  hit(operationId: string, options?: HitOptions): Promise<Reply>;
}

const form = (values: Record<string, string>) => new URLSearchParams(values);

/** One entry per operationId in any of the three documents; each calls its operation. */
const CASES: Record<string, (env: Env) => Promise<void>> = {
  token: async ({ hit, sim, version }) => {
    const grant = {
      grant_type: "password",
      username: sim.username,
      password: sim.password,
      ...(version === "v6" ? {} : { disable_antiforgery_token: "true" }),
    };
    const optOut = version === "v6" ? {} : { disable_antiforgery_token: "true" };
    const first = await hit("token", { body: form(grant), token: null });
    const refresh = first.json<{ refresh_token: string }>().refresh_token;
    const refreshGrant = { grant_type: "refresh_token", refresh_token: refresh };
    if (version !== "v6") {
      // Without the opt-out a refresh needs the browser's antiforgery cookie.
      await hit("token", { body: form(refreshGrant), token: null, status: 400 });
    }
    await hit("token", { body: form({ ...refreshGrant, ...optOut }), token: null });
    await hit("token", { body: { ...grant, password: "wrong" }, token: null, status: 400 });
    await hit("token", { body: form({ ...refreshGrant, ...optOut }), token: null, status: 400 });
  },
  logout: async ({ hit, sim, version }) => {
    const token = await login(sim, version);
    await hit("logout", { token });
    await hit("ServiceInstance_Get", { token, status: 401 });
  },
  ServiceInstance_Get: async ({ hit }) => {
    await hit("ServiceInstance_Get");
    await hit("ServiceInstance_Get", { token: null, status: 401 });
  },
  Health_Get: async ({ hit }) => {
    await hit("Health_Get", { token: null });
  },
  AuditEmailSettings_Get: async ({ hit }) => {
    await hit("AuditEmailSettings_Get");
  },
  AuditEmailSettings_Update: async ({ hit, version }) => {
    const body = {
      enableNotification: true,
      smtpServer: "smtp.vbridge.co.nz",
      port: 25,
      useAuthentication: false,
      useSSL: false,
      from: "vbo@vbridge.co.nz",
      to: "security@vbridge.co.nz",
      subject: "%Action% by %InitiatedByUserName%",
      ...(version === "v6" ? {} : { authenticationType: "CustomSmtp" }),
    };
    await hit("AuditEmailSettings_Update", { body });
    await hit("AuditEmailSettings_Get");
    await hit("AuditEmailSettings_Update", { body: [body], status: 400 });
  },
  AuditEmailSettings_SendTest: async ({ hit }) => {
    await hit("AuditEmailSettings_SendTest");
  },
  AuditEmailSettings_SendTestEmail: async ({ hit }) => {
    await hit("AuditEmailSettings_SendTestEmail");
  },
  OrganizationAudit_Get: async ({ hit, sim }) => {
    // Both kinds of item: the seeded group and a user.
    sim.control.addAuditItem(org, { type: "User", ...SEED.benYoung });
    const items = await hit("OrganizationAudit_Get", { params: { organizationId: org } });
    assert.deepEqual(
      items
        .json<Array<{ type: string }>>()
        .map((i) => i.type)
        .sort(),
      ["Group", "User"],
    );
    await hit("OrganizationAudit_Get", { params: { organizationId: UNKNOWN_UUID }, status: 404 });
  },
  OrganizationAudit_Post: async ({ hit }) => {
    const sarah = { type: "User", user: { ...SEED.sarahYoung } };
    const finance = { type: "Group", group: { ...SEED.groups.finance } };
    await hit("OrganizationAudit_Post", { params: { organizationId: org }, body: [sarah, finance] });
    await hit("OrganizationAudit_Post", { params: { organizationId: org }, body: sarah, status: 400 });
    await hit("OrganizationAudit_Post", {
      params: { organizationId: UNKNOWN_UUID },
      body: [sarah],
      status: 404,
    });
  },
  OrganizationAudit_ExecuteRemove: async ({ hit, sim }) => {
    const itemId = sim.control.addAuditItem(org, { type: "User", ...SEED.simonService });
    const params = { organizationId: org };
    await hit("OrganizationAudit_ExecuteRemove", { params, body: { itemIds: [itemId] } });
    await hit("OrganizationAudit_ExecuteRemove", { params, body: { itemIds: [itemId] }, status: 400 });
  },
  Organization_Get: async ({ hit, version }) => {
    await hit("Organization_Get");
    await hit("Organization_Get", { query: { extendedView: "false" } });
    if (version === "v8") await hit("Organization_Get", { query: { limit: "1", offset: "1" } });
  },
  Organization_GetById: async ({ hit }) => {
    await hit("Organization_GetById", { params: { organizationId: org } });
    await hit("Organization_GetById", {
      params: { organizationId: SEED.contoso.id },
      query: { extendedView: "true" },
    });
    await hit("Organization_GetById", { params: { organizationId: UNKNOWN_UUID }, status: 404 });
    await hit("Organization_GetById", { params: { organizationId: "not-a-uuid" }, status: 400 });
  },
  OrganizationGroup_Get: async ({ hit }) => {
    const params = { organizationId: org };
    const first = await hit("OrganizationGroup_Get", { params, query: { limit: "2" } });
    const { setId } = first.json<{ setId: string }>();
    await hit("OrganizationGroup_Get", { params, query: { limit: "2", offset: "2", setId } });
    await hit("OrganizationGroup_Get", { params, query: { displayName: "*Team", groupName: "exec*" } });
    await hit("OrganizationGroup_Get", { params, query: { limit: "0" }, status: 400 });
  },
  OrganizationGroup_GetById: async ({ hit }) => {
    await hit("OrganizationGroup_GetById", {
      params: { organizationId: org, groupId: SEED.groups.finance.id },
    });
    await hit("OrganizationGroup_GetById", {
      params: { organizationId: org, groupId: "no-such-group" },
      status: 404,
    });
  },
  OrganizationGroupMember_Get: async ({ hit }) => {
    // All Staff has users and a nested group among its members.
    const groups = await hit("OrganizationGroup_Get", {
      params: { organizationId: org },
      query: { groupName: "all.staff@*" },
    });
    const [allStaff] = groups.json<{ results: Array<{ id: string }> }>().results;
    assert.ok(allStaff);
    const params = { organizationId: org, groupId: allStaff.id };
    await hit("OrganizationGroupMember_Get", { params });
    await hit("OrganizationGroupMember_Get", { params, query: { limit: "2", offset: "4" } });
    await hit("OrganizationGroupMember_Get", {
      params: { ...params, groupId: "no-such-group" },
      status: 404,
    });
  },
  OrganizationUser_Get: async ({ hit }) => {
    const params = { organizationId: org };
    await hit("OrganizationUser_Get", { params, query: { limit: "5" } });
    await hit("OrganizationUser_Get", { params, query: { userName: SEED.benYoung.name } });
    await hit("OrganizationUser_Get", { params, query: { displayName: "* Young", locationFilter: "Any" } });
    await hit("OrganizationUser_Get", { params, query: { limit: "10001" }, status: 400 });
  },
  OrganizationUser_GetById: async ({ hit }) => {
    for (const user of [SEED.benYoung, SEED.sharedMailbox]) {
      await hit("OrganizationUser_GetById", { params: { organizationId: org, userId: user.id } });
    }
    await hit("OrganizationUser_GetById", {
      params: { organizationId: SEED.contoso.id, userId: SEED.contosoBenYoung.id },
    });
    await hit("OrganizationUser_GetById", {
      params: { organizationId: org, userId: "no-such-user" },
      status: 404,
    });
  },
  RestoreSession_GetPage: async ({ hit, version }) => {
    await hit("RestoreSession_GetPage");
    await hit("RestoreSession_GetPage", {
      query: { startTimeFrom: "2025-03-11T00:00:00Z", startTimeTo: "2025-03-12T00:00:00Z", limit: "1" },
    });
    if (version === "v8") {
      await hit("RestoreSession_GetPage", {
        query: { endTimeFrom: "2025-03-01T00:00:00Z", orderBy: "EndTime", orderAsc: "true" },
      });
    }
    await hit("RestoreSession_GetPage", { query: { startTimeFrom: "yesterday-ish" }, status: 400 });
  },
  RestoreSession_GetByRestoreSessionId: async ({ hit }) => {
    await hit("RestoreSession_GetByRestoreSessionId", {
      params: { restoreSessionId: SEED.restoreSessions.benExport },
    });
    await hit("RestoreSession_GetByRestoreSessionId", {
      params: { restoreSessionId: UNKNOWN_UUID },
      status: 404,
    });
  },
  RestoreSessionEvent_Get: async ({ hit }) => {
    for (const id of Object.values(SEED.restoreSessions)) {
      await hit("RestoreSessionEvent_Get", { params: { restoreSessionId: id } });
    }
    await hit("RestoreSessionEvent_Get", { params: { restoreSessionId: UNKNOWN_UUID }, status: 404 });
  },
  Events_Get: async ({ hit, sim }) => {
    const latest = await hit("Events_Get", { query: { from: "latest" } });
    const token = latest.json<{ nextChangeToken: string }>().nextChangeToken;
    sim.control.addRestoreSession({
      organizationId: org,
      initiatedBy: "VBRIDGE\\simon.service",
      creationTime: "2025-04-01T10:00:00Z",
      events: [
        { type: "View", itemName: "Payroll", startTime: "2025-04-01T10:00:05Z", userId: SEED.benYoung.id },
      ],
    });
    const news = await hit("Events_Get", { query: { from: token, limit: "10", timeoutSeconds: "1" } });
    assert.equal(news.json<{ results: unknown[] }>().results.length, 1);
    await hit("Events_Get", { query: { from: "not a token" }, status: 400 });
  },
};

for (const version of API_VERSIONS)
  for (const fields of FIELD_MODES) {
    describe(`${version}, ${fields} fields: the simulator conforms to vb365_rest_${version}`, () => {
      const doc = new OpenApiDoc(version);
      let env: Env;
      const closers: Array<() => Promise<void>> = [];
      after(() => Promise.all(closers.map((close) => close())));

      before(async () => {
        const sim = await createSimulator({ versions: [version], tokenRateLimit: false, fields });
        closers.push(() => sim.close());
        const token = await login(sim, version);
        env = {
          version,
          sim,
          doc,
          hit: async (operationId, options = {}) => {
            const op = doc.operation(operationId);
            const expected =
              options.status ?? Number(Object.keys(op.responses).find((s) => s.startsWith("2")));
            const path = doc.url(operationId, options.params, options.query);
            const useToken = options.token === null ? undefined : (options.token ?? token);
            const reply = await call(sim, op.method, path, {
              ...(useToken ? { token: useToken } : {}),
              ...(options.body !== undefined ? { body: options.body } : {}),
            });
            assert.equal(
              reply.status,
              expected,
              `${op.method} ${path}: ${reply.status} ${reply.text.slice(0, 200)}`,
            );
            assert.deepEqual(doc.problems(operationId, reply), [], `${op.method} ${path}`);
            // Realistic: every declared property is written, null when there is no value.
            if (fields === "realistic") {
              assert.deepEqual(doc.missing(operationId, reply), [], `${op.method} ${path}: missing fields`);
            }
            return reply;
          },
        };
      });

      test("every operation of the document is exercised here", () => {
        const missing = doc.operations.map((o) => o.operationId).filter((id) => !CASES[id]);
        assert.deepEqual(missing, []);
      });

      for (const op of doc.operations) {
        test(`${op.method} ${op.path} (${op.operationId})`, async () => {
          const run = CASES[op.operationId];
          assert.ok(run, `no case for ${op.operationId}`);
          await run(env);
        });
      }
    });
  }

describe("the conformance check tells versions apart", () => {
  const docs = Object.fromEntries(API_VERSIONS.map((v) => [v, new OpenApiDoc(v)])) as Record<
    ApiVersion,
    OpenApiDoc
  >;
  let sim: RunningSimulator;
  const tokens = {} as Record<ApiVersion, string>;

  before(async () => {
    sim = await createSimulator({ tokenRateLimit: false });
    for (const v of API_VERSIONS) tokens[v] = await login(sim, v);
  });

  after(() => sim.close());

  const get = (v: ApiVersion, path: string) => call(sim, "GET", `/${v}/${path}`, { token: tokens[v] });

  test("a v8 page where v6 and v7 expect an array of organizations", async () => {
    const v8 = await get("v8", "Organizations");
    assert.deepEqual(docs.v8.problems("Organization_Get", v8), []);
    assert.notDeepEqual(docs.v6.problems("Organization_Get", v8), []);
    assert.notDeepEqual(docs.v7.problems("Organization_Get", v8), []);
    const v6 = await get("v6", "Organizations");
    assert.notDeepEqual(docs.v8.problems("Organization_Get", v6), []);
  });

  test("a page with totalCount is refused by v8, a v8 user with msid by v6", async () => {
    const v6Users = await get("v6", `Organizations/${org}/Users?limit=3`);
    assert.notDeepEqual(docs.v8.problems("OrganizationUser_Get", v6Users), []);
    const v8Ben = await get("v8", `Organizations/${org}/Users/${encodeURIComponent(SEED.benYoung.id)}`);
    assert.deepEqual(docs.v8.problems("OrganizationUser_GetById", v8Ben), []);
    assert.notDeepEqual(docs.v6.problems("OrganizationUser_GetById", v8Ben), []);
  });

  test("a 201 where v8 documents 204, and a body where none is documented", () => {
    const created = { status: 201, contentType: null, text: "" };
    assert.deepEqual(docs.v6.problems("OrganizationAudit_Post", created), []);
    assert.notDeepEqual(docs.v8.problems("OrganizationAudit_Post", created), []);
    const withBody = { status: 204, contentType: "application/json", text: "[]" };
    assert.notDeepEqual(docs.v8.problems("OrganizationAudit_Post", withBody), []);
  });

  test("v8 error codes are not v7's, and v6 errors carry no code", async () => {
    const v8 = await get("v8", `Organizations/${UNKNOWN_UUID}`);
    assert.equal(v8.json<{ errorCode: string }>().errorCode, "ResourceNotFound");
    assert.deepEqual(docs.v8.problems("Organization_GetById", v8), []);
    assert.notDeepEqual(docs.v7.problems("Organization_GetById", v8), []);
    assert.notDeepEqual(docs.v6.problems("Organization_GetById", v8), []);
  });

  test("a v8 change event must have the fields of its own event type", () => {
    const feed = (event: object) => ({
      status: 200,
      contentType: "application/json; charset=utf-8",
      text: JSON.stringify({ nextChangeToken: "t", limit: 30, results: [event] }),
    });
    const good = { eventType: "RestoreSessionUpdate", id: SEED.restoreSessions.benExport, eTag: 2 };
    assert.deepEqual(docs.v8.problems("Events_Get", feed(good)), []);
    assert.notDeepEqual(
      docs.v8.problems("Events_Get", feed({ eventType: "RestoreSessionUpdate", id: "x" })),
      [],
    );
    assert.notDeepEqual(docs.v8.problems("Events_Get", feed({ ...good, jobType: "Backup" })), []);
  });
});
