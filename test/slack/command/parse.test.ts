import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAuditFor, parseCommand } from "../../../src/slack/command/parse.ts";
import {
  type Command,
  MAX_REASON_LENGTH,
  MAX_TEXT_LENGTH,
  type ParseResult,
  SUBCOMMANDS,
  USAGE_HINT,
  usageMrkdwn,
} from "../../../src/slack/command/syntax.ts";
import { plainFromSlack } from "../../../src/slack/command/tokens.ts";
import { DAY, HOUR } from "../../support/clock.ts";

describe("parseCommand: commands", () => {
  const cases: Array<[string, Command]> = [
    ["", { kind: "help" }],
    ["   \n ", { kind: "help" }],
    ["help", { kind: "help" }],
    ["HELP", { kind: "help" }],
    ["help add", { kind: "help" }],
    ["help --org Contoso", { kind: "help", org: "Contoso" }],
    ["list", { kind: "list" }],
    ["List", { kind: "list" }],
    ["pending", { kind: "pending" }],
    ["status", { kind: "status" }],
    ["DIGEST", { kind: "digest" }],
    // --org anywhere, quoted, inline, with an em dash (macOS autocorrects "--"), entities decoded.
    ["list --org Contoso", { kind: "list", org: "Contoso" }],
    ["--org Contoso list", { kind: "list", org: "Contoso" }],
    ['list --org "Contoso Ltd"', { kind: "list", org: "Contoso Ltd" }],
    ["list --org “Contoso Ltd”", { kind: "list", org: "Contoso Ltd" }],
    ["list --org=Contoso", { kind: "list", org: "Contoso" }],
    ['list --org="Contoso Ltd"', { kind: "list", org: "Contoso Ltd" }],
    ["list —org Contoso", { kind: "list", org: "Contoso" }],
    ["list --ORG Contoso", { kind: "list", org: "Contoso" }],
    ["pending --org R&amp;D", { kind: "pending", org: "R&D" }],
    [
      "status --org 0b8e4a5c-2f9d-4c1e-9a77-5d3c2b1a0f9e",
      { kind: "status", org: "0b8e4a5c-2f9d-4c1e-9a77-5d3c2b1a0f9e" },
    ],
    // add: every form of <who>
    ["add ben.young", { kind: "add", who: { kind: "text", value: "ben.young" } }],
    ["Add Ben.Young", { kind: "add", who: { kind: "text", value: "Ben.Young" } }],
    [
      "add ben.young@vbridge.co.nz legal hold",
      { kind: "add", who: { kind: "email", value: "ben.young@vbridge.co.nz" }, reason: "legal hold" },
    ],
    [
      "add <mailto:ben.young@vbridge.co.nz|ben.young@vbridge.co.nz> legal hold",
      { kind: "add", who: { kind: "email", value: "ben.young@vbridge.co.nz" }, reason: "legal hold" },
    ],
    [
      "add <@U012AB3CD|ben> needs an audit",
      { kind: "add", who: { kind: "member", userId: "U012AB3CD", label: "ben" }, reason: "needs an audit" },
    ],
    ["add <@W012AB3CD>", { kind: "add", who: { kind: "member", userId: "W012AB3CD" } }],
    [
      "add <@U012AB3CD|ben>, because HR asked",
      {
        kind: "add",
        who: { kind: "member", userId: "U012AB3CD", label: "ben" },
        reason: "because HR asked",
      },
    ],
    [
      'add "Ben Young" HR case 42',
      { kind: "add", who: { kind: "quoted", value: "Ben Young" }, reason: "HR case 42" },
    ],
    ["add “Ben Young” HR", { kind: "add", who: { kind: "quoted", value: "Ben Young" }, reason: "HR" }],
    ["add ”Ben  Young” HR", { kind: "add", who: { kind: "quoted", value: "Ben Young" }, reason: "HR" }],
    ['add "ben@corp.example"', { kind: "add", who: { kind: "email", value: "ben@corp.example" } }],
    ["add Finance-Team", { kind: "add", who: { kind: "text", value: "Finance-Team" } }],
    ["add R&amp;D-Leads", { kind: "add", who: { kind: "text", value: "R&D-Leads" } }],
    ["add ben.young, urgent", { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "urgent" }],
    // --for on add, in any position
    [
      "add ben.young --for 30d legal hold",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "legal hold", auditFor: 30 * DAY },
    ],
    [
      "add ben.young legal hold --for 12h",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "legal hold", auditFor: 12 * HOUR },
    ],
    [
      "add --for 2w ben.young",
      { kind: "add", who: { kind: "text", value: "ben.young" }, auditFor: 14 * DAY },
    ],
    [
      "add ben.young --for=365d --org Contoso",
      { kind: "add", who: { kind: "text", value: "ben.young" }, auditFor: 365 * DAY, org: "Contoso" },
    ],
    [
      "add ben.young reason with --org Contoso in the middle",
      {
        kind: "add",
        who: { kind: "text", value: "ben.young" },
        reason: "reason with in the middle",
        org: "Contoso",
      },
    ],
    [
      "add ben.young line one\nline two",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "line one\nline two" },
    ],
    [
      "add ben.young per <@U999|boss> in <#C123|legal>: <https://t.example/1|ticket 1> &amp; &lt;urgent&gt; <!here>",
      {
        kind: "add",
        who: { kind: "text", value: "ben.young" },
        reason: "per @boss in #legal: ticket 1 (https://t.example/1) & <urgent> @here",
      },
    ],
    [
      "add ben.young the legal—team asked",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "the legal—team asked" },
    ],
    [
      "add ben.young as discussed —really",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "as discussed —really" },
    ],
    [
      "add ben.young -- urgent",
      { kind: "add", who: { kind: "text", value: "ben.young" }, reason: "-- urgent" },
    ],
    // remove
    [
      "remove ben.young left the company",
      { kind: "remove", who: { kind: "text", value: "ben.young" }, reason: "left the company" },
    ],
    [
      "REMOVE <@U1ABC|ben> --org Contoso",
      { kind: "remove", who: { kind: "member", userId: "U1ABC", label: "ben" }, org: "Contoso" },
    ],
    // find: the whole rest is the query
    ["find ben", { kind: "find", query: "ben", who: { kind: "text", value: "ben" } }],
    ["find Ben Young", { kind: "find", query: "Ben Young", who: { kind: "text", value: "Ben Young" } }],
    ['find "Ben" Young', { kind: "find", query: "Ben Young", who: { kind: "text", value: "Ben Young" } }],
    ["find Ben\n  Young", { kind: "find", query: "Ben Young", who: { kind: "text", value: "Ben Young" } }],
    ['find "Ben Young"', { kind: "find", query: "Ben Young", who: { kind: "quoted", value: "Ben Young" } }],
    [
      "find <@U1ABC|ben>",
      { kind: "find", query: "@ben", who: { kind: "member", userId: "U1ABC", label: "ben" } },
    ],
    [
      "find ben --org Contoso",
      { kind: "find", query: "ben", who: { kind: "text", value: "ben" }, org: "Contoso" },
    ],
    // log
    ["log", { kind: "log" }],
    ["log ben.young", { kind: "log", who: { kind: "text", value: "ben.young" } }],
    [
      'log "Ben Young" --org Contoso',
      { kind: "log", who: { kind: "quoted", value: "Ben Young" }, org: "Contoso" },
    ],
    ["log <@U1ABC>", { kind: "log", who: { kind: "member", userId: "U1ABC" } }],
    // cancel: the number shown as #n in a request's message
    ["cancel 12", { kind: "cancel", requestId: 12 }],
    ["cancel #7", { kind: "cancel", requestId: 7 }],
    ["Cancel 3 --org Contoso", { kind: "cancel", requestId: 3, org: "Contoso" }],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => {
      assert.deepEqual(parseCommand(input), expected);
    });
  }
});

function errorMessage(result: ParseResult): string {
  assert.equal(result.kind, "error", `expected an error, got ${JSON.stringify(result)}`);
  return result.kind === "error" ? result.message : "";
}

describe("parseCommand: mistakes get a helpful answer", () => {
  const cases: Array<[string, RegExp]> = [
    ['add "Ben Young legal hold', /opening quote without a closing one/],
    ['list --org="Contoso', /opening quote without a closing one/],
    ["add", /`add` needs someone to audit/],
    ["remove --org Contoso", /`remove` needs someone to stop auditing/],
    ["find", /`find` needs something to look for/],
    ['find ""', /quotes are empty/],
    ['add ""', /quotes are empty/],
    ["lsit", /Did you mean `\/vbo-audit list`\?/],
    ["pendng", /Did you mean `\/vbo-audit pending`\?/],
    ["remvoe ben", /Did you mean `\/vbo-audit remove`\?/],
    ["statu", /Did you mean `\/vbo-audit status`\?/],
    ["dig", /Did you mean `\/vbo-audit digest`\?/],
    ["ad ben.young", /Did you mean `\/vbo-audit add`\?/],
    ["ls", /Did you mean `\/vbo-audit list`\?/],
    ["delete ben.young", /Did you mean `\/vbo-audit remove`\?/],
    ["xyzzy", /I don't know the command `xyzzy`\. Commands: `add`, `remove`, `find`/],
    ["ben.young@vbridge.co.nz", /Start with what to do with `ben\.young@vbridge\.co\.nz`/],
    ["<@U1ABC|ben> please", /Start with what to do with `@ben`/],
    ["add ben.young --for", /`--for` needs a duration/],
    ["add ben.young --for --org X", /`--for` needs a duration/],
    ["add ben.young --for 30", /Say which unit `30` is in/],
    ["add ben.young --for 3m", /Say which unit `3m` is in/],
    ["add ben.young --for 2months", /Say which unit/],
    ["add ben.young --for 30x", /`30x` is not a duration/],
    ["add ben.young --for 1.5d", /`1\.5d` is not a duration/],
    ["add ben.young --for soon", /`soon` is not a duration/],
    ["add ben.young --for 0h", /at least 1 hour/],
    ["add ben.young --for 366d", /at most 365 days/],
    ["add ben.young --for 53w", /at most 365 days/],
    ["add ben.young --for 2y", /not a duration/],
    ['add ben.young --for ""', /`--for` is empty/],
    ["remove ben.young --for 30d", /`--for` only goes with `add`/],
    ["list --for 3d", /`--for` only goes with `add`/],
    ["--for 3d", /`--for` only goes with `add`/],
    ["add ben.young --urgent", /I don't know the option `--urgent`/],
    ["list --org", /`--org` needs an organization's name or id/],
    ["list --org --for 3d", /`--org` needs an organization's name or id/],
    ['list --org ""', /`--org` is empty/],
    ["list --org=", /`--org` is empty/],
    ["list --org   “”", /`--org` is empty/],
    ["list --org a --org b", /`--org` is given twice/],
    ["list everything", /`list` takes no arguments/],
    ["digest now", /`digest` takes no arguments/],
    ["log Ben Young", /`log` takes one user or group/],
    ["add <#C123|general>", /`#general` is a Slack channel/],
    ["add <!subteam^S123|@ops>", /`@ops` is a Slack user group/],
    ["add <!here>", /`@here` is a Slack broadcast mention/],
    ["add <https://evil.example|click>", /is a link/],
    ["cancel", /`cancel` takes the number of a request, the `#12` in its message/],
    ["cancel twelve", /`cancel` takes the number of a request/],
    ["cancel 0", /`cancel` takes the number of a request/],
    ["cancel 12 13", /`cancel` takes the number of a request/],
    ["cancel -4", /`cancel` takes the number of a request/],
  ];
  for (const [input, pattern] of cases) {
    test(JSON.stringify(input), () => {
      assert.match(errorMessage(parseCommand(input)), pattern);
    });
  }

  test("over-long text is refused, text at the limit is not", () => {
    assert.match(
      errorMessage(parseCommand(`add ben ${"x".repeat(MAX_TEXT_LENGTH)}`)),
      /keep a command under 2000/,
    );
    const atLimit = `add ben ${"x".repeat(MAX_TEXT_LENGTH - 8)}`;
    assert.equal(atLimit.length, MAX_TEXT_LENGTH);
    const result = parseCommand(atLimit);
    assert.equal(result.kind, "add");
  });

  test("a long reason is capped with an ellipsis, on a whole emoji", () => {
    const result = parseCommand(`add ben.young ${"👨‍👩‍👧".repeat(200)}`);
    assert.equal(result.kind, "add");
    const reason = result.kind === "add" ? (result.reason ?? "") : "";
    assert.ok(reason.length <= MAX_REASON_LENGTH);
    assert.ok(reason.endsWith("…"));
    assert.ok(reason.slice(0, -1).length % "👨‍👩‍👧".length === 0, "no emoji cut in half");
  });

  test("user text in error messages is escaped and cannot break out of its code span", () => {
    const message = errorMessage(parseCommand("x&lt;b&gt;y`z"));
    assert.match(message, /`x&lt;b&gt;yˋz`/);
    assert.doesNotMatch(message, /<b>/);
  });

  test("no input, however odd, throws or leaks raw markup into a message", () => {
    const alphabet = [
      '"',
      "“",
      "”",
      "<",
      ">",
      "&amp;",
      "&lt;",
      "-",
      "--",
      "—",
      " ",
      "\n",
      "=",
      "@",
      ".",
      "a",
      "B",
      "👍",
      "add",
      "find",
      "log",
      "org",
      "for",
      "30d",
      "<@U1|x>",
      "<#C1>",
    ];
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const length = next() % 12;
      for (let k = 0; k < length; k++) text += alphabet[next() % alphabet.length];
      const result = parseCommand(text);
      assert.ok([...SUBCOMMANDS, "error"].includes(result.kind), text);
      if (result.kind === "error") {
        assert.ok(result.message.length > 0, text);
        assert.doesNotMatch(
          result.message,
          /[<>]/,
          `raw markup for ${JSON.stringify(text)}: ${result.message}`,
        );
      }
    }
  });
});

describe("parseAuditFor", () => {
  const good: Array<[string, number]> = [
    ["1h", HOUR],
    ["12h", 12 * HOUR],
    ["36 hours", 36 * HOUR],
    ["30d", 30 * DAY],
    ["3days", 3 * DAY],
    ["2w", 14 * DAY],
    ["52W", 364 * DAY],
    ["1w2d", 9 * DAY],
    ["365d", 365 * DAY],
  ];
  for (const [text, ms] of good) {
    test(`${text} is ${ms} ms`, () => assert.deepEqual(parseAuditFor(text), { ok: true, ms }));
  }
  for (const text of [
    "",
    "d",
    "0d",
    "30",
    "30m",
    "59min",
    "2 months",
    "1.5h",
    "-3d",
    "1y",
    "8761h",
    "1000000d",
  ]) {
    test(`${JSON.stringify(text)} is refused`, () => assert.equal(parseAuditFor(text).ok, false));
  }
});

describe("helpers", () => {
  test("plainFromSlack renders every Slack token as plain text", () => {
    assert.equal(
      plainFromSlack(
        "<@U1|ben> <@U2> <#C1|gen> <#C2> <!subteam^S1|@ops> <!channel> <mailto:a@b.c|a@b.c> <https://x.y> <https://x.y|x.y site> &amp;amp;",
      ),
      "@ben @U2 #gen #C2 @ops @channel a@b.c https://x.y x.y site (https://x.y) &amp;",
    );
  });

  test("the usage names every subcommand, escapes its markup, and the hint lists them", () => {
    const usage = usageMrkdwn();
    for (const kind of SUBCOMMANDS) {
      assert.match(usage, new RegExp(`/vbo-audit ${kind}\\b`));
      assert.match(USAGE_HINT, new RegExp(`\\b${kind}\\b`));
    }
    assert.doesNotMatch(usage, /[<>]/);
    assert.match(usage, /&lt;who&gt;/);
  });
});
