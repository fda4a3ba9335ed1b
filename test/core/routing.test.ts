/**
 * Routing by organization (service providers): the first route whose match takes an organization,
 * then the default route, else refused; and the choice of an organization across servers.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chooseOrganization, type KnownOrganization } from "../../src/core/organizations.ts";
import {
  matchesOrganization,
  type Route,
  routesByOrganization,
  UnroutedError,
} from "../../src/core/routing.ts";
import { NOBODY } from "../../src/core/visibility.ts";

const route = (name: string): Route => ({
  name,
  policy: { requiredApprovals: 1, allowSelfApproval: false, requestTtlMs: 3_600_000 },
  approvers: { isApprover: async () => false, members: async () => [] },
  viewers: NOBODY,
  destinations: { approvals: `C${name.toUpperCase()}`, digest: `CD${name.toUpperCase()}` },
});

const ACME_EU: KnownOrganization = {
  id: "A1",
  name: "Acme",
  officeName: "acme.onmicrosoft.com",
  server: "eu",
};
const ACME_US: KnownOrganization = { id: "A2", name: "Acme", server: "us" };
const GLOBEX: KnownOrganization = { id: "G1", name: "Globex Retail", server: "us" };
const INITECH: KnownOrganization = { id: "I1", name: "Initech", server: "eu" };

describe("matchesOrganization", () => {
  test("every field given must agree; names and patterns ignore case and see the tenant name", () => {
    assert.ok(matchesOrganization({ name: "acme" }, ACME_EU));
    assert.ok(matchesOrganization({ name: "ACME.onmicrosoft.com" }, ACME_EU));
    assert.ok(matchesOrganization({ name: "acme", server: "eu" }, ACME_EU));
    assert.ok(!matchesOrganization({ name: "acme", server: "eu" }, ACME_US));
    assert.ok(matchesOrganization({ id: "a2" }, ACME_US));
    assert.ok(!matchesOrganization({ id: "A2", name: "Globex Retail" }, ACME_US));
    assert.ok(matchesOrganization({ pattern: "globex*" }, GLOBEX));
    assert.ok(matchesOrganization({ pattern: "G?obex Retail" }, GLOBEX));
    assert.ok(!matchesOrganization({ pattern: "globex" }, GLOBEX), "a pattern covers the whole name");
    assert.ok(matchesOrganization({ server: "us" }, GLOBEX));
  });

  test("a pattern's other characters are literal, not regular expression syntax", () => {
    const dotted: KnownOrganization = { id: "D", name: "a.b (test)", server: "eu" };
    assert.ok(matchesOrganization({ pattern: "a.b (*)" }, dotted));
    assert.ok(!matchesOrganization({ pattern: "a.b (*)" }, { ...dotted, name: "axb (test)" }));
  });

  test("an organization of before servers were recorded is on the server named default", () => {
    assert.ok(matchesOrganization({ server: "default" }, { id: "X", name: "Old" }));
    assert.ok(!matchesOrganization({ server: "eu" }, { id: "X", name: "Old" }));
  });
});

describe("routesByOrganization", () => {
  const eu = route("eu");
  const globex = route("globex");
  const fallback = route("rest");

  test("the first route that takes the organization wins, in the file's order", () => {
    const routing = routesByOrganization([
      { route: globex, organizations: [{ pattern: "globex*" }] },
      { route: eu, organizations: [{ server: "eu" }, { id: "G1" }] },
    ]);
    assert.equal(routing.of(GLOBEX), globex, "Globex matches both; the first route wins");
    assert.equal(routing.of(ACME_EU), eu);
    assert.equal(routing.of(INITECH), eu);
    assert.deepEqual(routing.all(), [globex, eu]);
  });

  test("without a match: the default route, or refused when there is none", () => {
    const withDefault = routesByOrganization([{ route: eu, organizations: [{ server: "eu" }] }], fallback);
    assert.equal(withDefault.of(ACME_US), fallback);
    assert.deepEqual(withDefault.all(), [eu, fallback]);

    const strict = routesByOrganization([{ route: eu, organizations: [{ server: "eu" }] }]);
    assert.equal(strict.find(ACME_US), undefined);
    assert.throws(() => strict.of(ACME_US), UnroutedError);
  });
});

describe("choosing an organization across servers", () => {
  const ALL = [ACME_EU, ACME_US, GLOBEX, INITECH];

  test("a name on two servers must be named with its server, and then it is", () => {
    const clash = chooseOrganization(ALL, "acme", undefined);
    assert.equal(clash.kind, "on_several_servers");
    assert.deepEqual(clash.kind === "on_several_servers" ? clash.organizations : [], [ACME_EU, ACME_US]);
    assert.deepEqual(chooseOrganization(ALL, "us/Acme", undefined), {
      kind: "chosen",
      organization: ACME_US,
    });
    assert.deepEqual(chooseOrganization(ALL, "EU/acme", undefined), {
      kind: "chosen",
      organization: ACME_EU,
    });
  });

  test("an id, or a name on one server, needs no server", () => {
    assert.deepEqual(chooseOrganization(ALL, "A2", undefined), { kind: "chosen", organization: ACME_US });
    assert.deepEqual(chooseOrganization(ALL, "initech", undefined), {
      kind: "chosen",
      organization: INITECH,
    });
  });

  test("a slash that names no server is part of the name", () => {
    const slashed: KnownOrganization = { id: "S", name: "R/D", server: "eu" };
    assert.deepEqual(chooseOrganization([...ALL, slashed], "r/d", undefined), {
      kind: "chosen",
      organization: slashed,
    });
    assert.equal(chooseOrganization(ALL, "eu/Globex Retail", undefined).kind, "unknown");
  });
});
