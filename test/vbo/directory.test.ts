import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { memberId } from "../../src/vbo/directory.ts";
import type { GroupMember } from "../../src/vbo/schemas.ts";

const member = (self: string | null | undefined): GroupMember => ({
  name: "Ben Young",
  login: "ben.young@vbridge.co.nz",
  type: "User",
  ...(self === undefined ? {} : { _links: { self: { href: self } } }),
});

describe("memberId", () => {
  test("is the last segment of the member's self link, decoded", () => {
    assert.equal(memberId(member("/v8/Organizations/o1/Users/fafba54d-AQUAAAAA")), "fafba54d-AQUAAAAA");
    assert.equal(memberId(member("/v7/Organizations/o1/Groups/a%2Fb%20c")), "a/b c");
  });

  test("ignores a query string after the id", () => {
    assert.equal(memberId(member("https://vbo:4443/v6/Organizations/o1/Users/u1?extendedView=false")), "u1");
  });

  test("keeps a segment that is not valid percent-encoding as it is", () => {
    assert.equal(memberId(member("/v8/Organizations/o1/Users/100%")), "100%");
  });

  test("is undefined without a self link, or when the link ends in a slash", () => {
    assert.equal(memberId(member(undefined)), undefined);
    assert.equal(memberId(member(null)), undefined);
    assert.equal(memberId({ ...member(undefined), _links: { self: null } }), undefined);
    assert.equal(memberId(member("/v8/Organizations/o1/Users/")), undefined);
  });
});
