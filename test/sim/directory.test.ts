import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED } from "../../src/sim/types.ts";
import type { Group, GroupMember, Organization, Page, User } from "../../src/vbo/schemas.ts";
import { startSimulator } from "../support/simulator.ts";
import { call, orgPath, session } from "./helpers.ts";

const org = SEED.organization.id;
const users = (query = "") => orgPath(org, `/Users${query}`);

/** Follows `_links.next` from a first page; returns every item and the pages seen. */
async function walk<T>(get: (path: string) => Promise<{ json<P>(): P }>, first: string) {
  const items: T[] = [];
  const pages: Page<T>[] = [];
  let path: string | undefined = first;
  while (path) {
    const page: Page<T> = (await get(path)).json<Page<T>>();
    pages.push(page);
    items.push(...page.results);
    path = page._links?.next?.href ?? undefined;
  }
  return { items, pages };
}

describe("users: paging", () => {
  test("limit defaults to 30 and is at most 10,000; a bad limit or offset is a 400", async (t) => {
    const sim = await startSimulator(t, { users: 100 });
    const v8 = await session(sim, "v8");
    const page = (await v8.get(users())).json<Page<User>>();
    assert.equal(page.limit, 30);
    assert.equal(page.results.length, 30);
    assert.equal((await v8.get(users("?limit=10000"))).json<Page<User>>().results.length, 108);
    for (const q of ["?limit=10001", "?limit=0", "?limit=-1", "?limit=ten", "?offset=-5"]) {
      const reply = await v8.get(users(q));
      assert.equal(reply.status, 400, q);
      assert.equal(reply.json<{ errorCode: string }>().errorCode, "ParameterValidationFailure");
    }
    const past = (await v8.get(users("?offset=500"))).json<Page<User>>();
    assert.deepEqual(past.results, []);
    assert.equal(past._links?.next, undefined);
  });

  test("totalCount is sent before v8 only", async (t) => {
    const sim = await startSimulator(t);
    for (const version of ["v6", "v7", "v8"] as const) {
      const page = (await (await session(sim, version)).get(users("?limit=2"))).json<Page<User>>();
      if (version === "v8") assert.equal("totalCount" in page, false);
      else assert.equal(page.totalCount, 8);
    }
  });

  test("_links.next walks every user once, all pages on the first page's setId", async (t) => {
    const sim = await startSimulator(t, { users: 1000 });
    const v7 = await session(sim, "v7");
    const { items, pages } = await walk<User>(
      (p) => call(sim, "GET", p, { token: v7.token }),
      `/v7/${users("?limit=300")}`,
    );
    assert.equal(items.length, 1008);
    assert.equal(new Set(items.map((u) => u.id)).size, 1008);
    assert.equal(pages.length, 4);
    const setIds = new Set(pages.map((p) => p.setId));
    assert.equal(setIds.size, 1);
    assert.match([...setIds][0] ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      pages.map((p) => p.offset),
      [0, 300, 600, 900],
    );
    assert.match(
      pages[0]?._links?.self?.href ?? "",
      /^\/v7\/Organizations\/[^?]+\/Users\?offset=0&limit=300&setId=/,
    );
  });

  test("a setId keeps reading its snapshot while the directory changes; an unknown one starts afresh", async (t) => {
    const sim = await startSimulator(t, { users: 50 });
    const v8 = await session(sim, "v8");
    const first = (await v8.get(users("?limit=40"))).json<Page<User>>();
    sim.control.addUser(org, { name: "aaron.aardvark@vbridge.co.nz", displayName: "Aaron Aardvark" });
    const second = (await v8.get(users(`?limit=40&offset=40&setId=${first.setId}`))).json<Page<User>>();
    assert.equal(second.results.length, 18, "58 users when the set was made");
    assert.ok(!second.results.some((u) => u.name === "aaron.aardvark@vbridge.co.nz"));
    const fresh = (
      await v8.get(users("?limit=40&offset=40&setId=00000000-0000-4000-8000-000000000000"))
    ).json<Page<User>>();
    assert.notEqual(fresh.setId, first.setId);
    assert.equal(fresh.results.length, 19, "a new set sees the new user");
    assert.equal((await v8.get(users("?setId=not-a-guid"))).status, 400);
  });
});

describe("users: searching", () => {
  test("userName is an exact, case-insensitive UPN: a local part finds nobody", async (t) => {
    const sim = await startSimulator(t, { users: 30_000 });
    const v8 = await session(sim, "v8");
    const find = async (userName: string) =>
      (await v8.get(users(`?userName=${encodeURIComponent(userName)}`))).json<Page<User>>().results;
    assert.deepEqual(
      (await find("BEN.YOUNG@VBRIDGE.CO.NZ")).map((u) => u.id),
      [SEED.benYoung.id],
    );
    assert.deepEqual(await find("ben.young"), []);
    assert.deepEqual(await find("ben.young@contoso.com"), [], "another organization's Ben");
    // Generated users are found by UPN as well, numbered ones included (the 26,251st is a second Amelia Young).
    const late = (await v8.get(users("?limit=10&offset=26260"))).json<Page<User>>().results;
    const numbered = late.find((u) => /\d@/.test(u.name ?? ""));
    assert.ok(numbered, "a numbered UPN exists past the first round of names");
    assert.deepEqual(
      (await find(numbered.name ?? "")).map((u) => u.id),
      [numbered.id],
    );
    assert.deepEqual(await find((numbered.name ?? "").replace(/\d@/, "9@")), []);
  });

  test("displayName takes * and ? wildcards, case-insensitively; without wildcards it is equality", async (t) => {
    const sim = await startSimulator(t, { users: 5000 });
    const v8 = await session(sim, "v8");
    const names = async (displayName: string) =>
      (await v8.get(users(`?limit=10000&displayName=${encodeURIComponent(displayName)}`)))
        .json<Page<User>>()
        .results.map((u) => u.displayName ?? "");
    assert.deepEqual(await names("ben young"), ["Ben Young"]);
    assert.deepEqual(await names("B?n Y*"), ["Ben Young"]);
    const young = await names("* young");
    assert.ok(young.includes("Ben Young") && young.includes("Sarah Young"));
    assert.ok(
      young.filter((n) => n !== "Ben Young" && n !== "Sarah Young").length > 10,
      "a surname is ambiguous",
    );
    assert.ok(young.every((n) => n.toLowerCase().endsWith(" young")));
    assert.ok((await names("*DeYoung")).length > 0);
    assert.deepEqual(await names("simon SERVICE"), ["simon service"]);
    assert.deepEqual(await names("Ben (Young"), []);
    assert.equal((await names("*")).length, 5008);
    assert.equal((await names("")).length, 5008, "an empty filter filters nothing");
  });

  test("gets a user by an id that needs URL encoding, or by the same id with its GUID upper-cased", async (t) => {
    const sim = await startSimulator(t);
    const v6 = await session(sim, "v6");
    const odd = sim.control.addUser(org, {
      id: "AQUA/AAA+b=c d?x#y%",
      name: "odd.id@vbridge.co.nz",
      displayName: "Odd Id",
    });
    assert.equal(
      (await v6.get(users(`/${encodeURIComponent(odd)}`))).json<User>().name,
      "odd.id@vbridge.co.nz",
    );
    const upper = SEED.benYoung.id.slice(0, 36).toUpperCase() + SEED.benYoung.id.slice(36);
    const ben = (await v6.get(users(`/${encodeURIComponent(upper)}`))).json<User>();
    assert.equal(ben.id, SEED.benYoung.id);
    const missing = await v6.get(users("/no-such-user"));
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.json<object>()), ["message"], "v6 errors have no errorCode");
  });
});

describe("generated directories", () => {
  test("100,000 deterministic users: never another Ben Young, ids in the long format", async (t) => {
    const [a, b] = await Promise.all([
      createSimulator({ users: 100_000 }),
      createSimulator({ users: 100_000 }),
    ]);
    t.after(() => Promise.all([a.close(), b.close()]));
    const va = await session(a, "v8");
    const vb = await session(b, "v8");
    const pageA = (await va.get(users("?limit=10000&offset=90000"))).json<Page<User>>();
    const pageB = (await vb.get(users("?limit=10000&offset=90000"))).json<Page<User>>();
    assert.deepEqual(
      pageA.results.map((u) => u.id),
      pageB.results.map((u) => u.id),
    );
    for (const user of pageA.results) {
      assert.match(user.id, /^[0-9a-f-]{36}00000000-0000-0000-0000-000000000000[A-Za-z0-9_-]{38}$/);
      assert.equal(user.msid, user.id.slice(0, 36));
    }
    const bens = (await va.get(users("?limit=10000&displayName=Ben%20Young"))).json<Page<User>>().results;
    assert.deepEqual(
      bens.map((u) => u.name),
      [SEED.benYoung.name],
    );
    const all = (await va.get(users("?limit=1"))).json<Page<User>>();
    assert.match(all._links?.next?.href ?? "", /offset=1/);
    const last = pageA.results.at(-1);
    assert.ok(last);
    assert.equal((await va.get(users(`/${encodeURIComponent(last.id)}`))).json<User>().name, last.name);
  });

  test("generated organizations have their own users and groups", async (t) => {
    const sim = await startSimulator(t, { organizations: 3, usersPerOrganization: 25 });
    const v6 = await session(sim, "v6");
    const orgs = (await v6.get("Organizations")).json<Organization[]>();
    assert.equal(orgs.length, 5);
    const tenant = orgs.find((o) => o.name === "Tenant 002");
    assert.ok(tenant?.id);
    const page = (await v6.get(orgPath(tenant.id, "/Users?limit=100"))).json<Page<User>>();
    assert.equal(page.totalCount, 25);
    assert.ok(page.results.every((u) => u.name?.endsWith("@tenant002.example.com")));
    const groups = (await v6.get(orgPath(tenant.id, "/Groups"))).json<Page<Group>>();
    assert.ok(groups.results.length > 0);
  });
});

describe("organizations", () => {
  test("v6 and v7 list a plain array, v8 a page", async (t) => {
    const sim = await startSimulator(t, { organizations: 40 });
    for (const version of ["v6", "v7"] as const) {
      const list = (await (await session(sim, version)).get("Organizations")).json<Organization[]>();
      assert.ok(Array.isArray(list));
      assert.equal(list.length, 42);
    }
    const v8 = await session(sim, "v8");
    const page = (await v8.get("Organizations")).json<Page<Organization>>();
    assert.equal(page.results.length, 30);
    assert.ok(page._links?.next);
    assert.deepEqual(
      (await v8.get("Organizations?limit=2")).json<Page<Organization>>().results.map((o) => o.name),
      ["vBridge", "Contoso"],
    );
  });

  test("by id: case-insensitive uuid, 404 when unknown (ResourceNotFound on v8), 400 when malformed", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const vbridge = (await v8.get(`Organizations/${org.toUpperCase()}`)).json<Organization>();
    assert.equal(vbridge.name, "vBridge");
    assert.equal(vbridge.officeName, "vbridge.onmicrosoft.com");
    assert.equal(vbridge.type, "Office365");
    const unknown = await v8.get("Organizations/11111111-2222-4333-8444-555555555555");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json<{ errorCode: string }>().errorCode, "ResourceNotFound");
    assert.equal((await v8.get("Organizations/vbridge")).status, 400);
  });

  test("Contoso has its own Ben Young: the organization decides who 'Ben Young' is", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const inContoso = (await v8.get(orgPath(SEED.contoso.id, "/Users?displayName=Ben%20Young"))).json<
      Page<User>
    >();
    assert.deepEqual(
      inContoso.results.map((u) => [u.id, u.name]),
      [[SEED.contosoBenYoung.id, SEED.contosoBenYoung.name]],
    );
  });
});

describe("groups", () => {
  test("filters by displayName and groupName, pages with setId, gets by id", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const list = async (q: string) =>
      (await v8.get(orgPath(org, `/Groups${q}`))).json<Page<Group>>().results.map((g) => g.displayName);
    assert.deepEqual(await list(""), [
      "Executive Team",
      "Finance",
      "IT Security",
      "Legal Hold Reviewers",
      "All Staff",
    ]);
    // A group without mail: v8 declares its name nullable, and writes null.
    const legal = (await v8.get(orgPath(org, "/Groups?displayName=Legal*"))).json<Page<Group>>().results[0];
    assert.equal(legal?.name, null);
    assert.deepEqual(await list("?displayName=finance"), ["Finance"]);
    assert.deepEqual(await list("?displayName=*t*&groupName=it.*"), ["IT Security"]);
    assert.deepEqual(
      (await v8.get(orgPath(SEED.contoso.id, "/Groups?displayName=Finance")))
        .json<Page<Group>>()
        .results.map((g) => g.name),
      ["finance@contoso.com"],
    );
    const finance = (
      await v8.get(orgPath(org, `/Groups/${encodeURIComponent(SEED.groups.finance.id)}`))
    ).json<Group>();
    assert.equal(finance.name, SEED.groups.finance.name);
    assert.equal(finance.type, "Security");
    assert.equal(finance.msid, SEED.groups.finance.id.slice(0, 36));
    assert.equal((await v8.get(orgPath(org, "/Groups/nope"))).status, 404);
  });

  test("members are paged and may be users or groups", async (t) => {
    const sim = await startSimulator(t);
    const v7 = await session(sim, "v7");
    const [allStaff] = (await v7.get(orgPath(org, "/Groups?displayName=All%20Staff"))).json<Page<Group>>()
      .results;
    assert.ok(allStaff);
    const path = orgPath(org, `/Groups/${encodeURIComponent(allStaff.id)}/Members`);
    const { items, pages } = await walk<GroupMember>(
      (p) => call(sim, "GET", p, { token: v7.token }),
      `/v7/${path}?limit=4`,
    );
    assert.equal(pages.length, 2);
    assert.deepEqual(
      items.filter((m) => m.type === "Group").map((m) => m.name),
      ["Executive Team"],
    );
    assert.ok(
      items.some((m) => m.type === "User" && m.login === SEED.benYoung.name && m.name === "Ben Young"),
    );
  });
});
