import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emojify } from "../../../src/devslack/playground/page/emoji.ts";
import { renderMrkdwn, renderPlain } from "../../../src/devslack/playground/page/mrkdwn.ts";

const names = { users: { U0AROHA: "Aroha Ngata" }, channels: { C0APPROVALS: "approvals" } };
const md = (text: string) => renderMrkdwn(text, names);

describe("mrkdwn on the playground's page", () => {
  test("bold, italic and strike at word edges only", () => {
    assert.equal(md("*Approved* by _Aroha_, ~pending~"), "<b>Approved</b> by <i>Aroha</i>, <s>pending</s>");
    assert.equal(md("a*b*c and snake_case_name"), "a*b*c and snake_case_name");
    assert.equal(md("*bold _and italic_*"), "<b>bold <i>and italic</i></b>");
    assert.equal(md("* not bold *"), "* not bold *");
  });

  test("inline code and code blocks are not formatted inside", () => {
    assert.equal(md("run `/vbo-audit add *x*`"), "run <code>/vbo-audit add *x*</code>");
    assert.equal(md("```\n*raw* <@U0AROHA>\n```"), '<pre class="code">*raw* &#60;@U0AROHA&#62;\n</pre>');
  });

  test("mentions, channels, groups and special mentions by name", () => {
    assert.equal(md("<@U0AROHA>"), '<span class="mention">@Aroha Ngata</span>');
    assert.equal(md("<@U0NOBODY|ghost>"), '<span class="mention">@ghost</span>');
    assert.equal(md("<#C0APPROVALS>"), '<span class="mention">#approvals</span>');
    assert.equal(md("<!subteam^S0123|@approvers>"), '<span class="mention">@approvers</span>');
    assert.equal(md("<!here>"), '<span class="mention">@here</span>');
    assert.equal(md("<!date^bad|the fallback>"), "the fallback");
  });

  test("links open in a new tab; only web and mail links become links", () => {
    assert.equal(
      md("<https://example.com/a?b=1&amp;c=2|the docs>"),
      '<a href="https://example.com/a?b=1&#38;c=2" target="_blank" rel="noreferrer noopener">the docs</a>',
    );
    assert.equal(md("<javascript:alert(1)|click>"), "click");
  });

  test("the bot's text never becomes HTML: Slack's escapes are shown as characters", () => {
    assert.equal(
      md("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
      "&#60;script&#62;alert(1)&#60;/script&#62; &#38; co",
    );
    const injected = md('"quoted" <img src=x onerror=alert(1)>');
    assert.equal(injected, "&#34;quoted&#34; img src=x onerror=alert(1)");
  });

  test("quotes, line breaks and emoji", () => {
    assert.equal(md("&gt; quoted\nnot"), "<blockquote>quoted</blockquote>not");
    assert.equal(md("one\ntwo"), "one<br>two");
    assert.equal(md(":white_check_mark: done :no_such_emoji:"), "✅ done :no_such_emoji:");
    assert.equal(emojify("10:30:00"), "10:30:00");
  });

  test("plain text is escaped, with emoji unless they are off", () => {
    assert.equal(renderPlain("<b> :warning:"), "&#60;b&#62; ⚠️");
    assert.equal(renderPlain(":warning:", false), ":warning:");
  });

  test("dates in the viewer's zone, with Today and Yesterday, as Slack shows them", () => {
    const viewer = {
      ...names,
      dates: { timeZone: "Pacific/Auckland", now: new Date("2014-02-19T01:00:00Z") },
    };
    // 1392734382 is 2014-02-18 14:39:42 UTC: 19 February, 03:39 in Auckland.
    const at = (format: string) => renderMrkdwn(`<!date^1392734382^${format}|fallback>`, viewer);
    assert.equal(at("{date_num} {time_secs}"), "2014-02-19 3:39:42 AM");
    assert.equal(at("{date}"), "February 19th, 2014");
    assert.equal(at("{date_long}"), "Wednesday, February 19th, 2014");
    assert.equal(at("{date_short_pretty} at {time}"), "Today at 3:39 AM");
    const tomorrow = { ...viewer, dates: { ...viewer.dates, now: new Date("2014-02-20T01:00:00Z") } };
    assert.equal(renderMrkdwn("<!date^1392734382^{date_pretty}|x>", tomorrow), "Yesterday");
    assert.equal(renderMrkdwn("<!date^1392734382^{date_short}|x>", tomorrow), "Feb 19, 2014");
  });
});
