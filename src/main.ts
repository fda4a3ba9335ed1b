/**
 * The process: read the configuration (refusing to start, with every problem listed, before
 * connecting anywhere), build the bot, start it, and shut it down gracefully on SIGTERM / SIGINT.
 * The lifecycle is in `runBot` (src/lifecycle.ts, shared with `npm run demo`); everything else is in
 * `createBot` (src/bot.ts), which tests and the benchmark run in-process.
 */
import { processEnvironment } from "./config.ts";
import { runBot } from "./lifecycle.ts";

runBot({ env: processEnvironment(), cwd: process.cwd() }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Only reached when the logger itself could not be set up; never print more than the message.
    process.stderr.write(`vbo-audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
