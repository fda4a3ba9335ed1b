/**
 * The process: read the configuration (refusing to start, with every problem listed, before
 * connecting anywhere), build the bot, start it, and shut it down gracefully on SIGTERM / SIGINT.
 * The lifecycle is in `runBot` (src/lifecycle.ts, shared with `npm run demo`); everything else is in
 * `createBot` (src/bot.ts), which tests and the benchmark run in-process.
 */
import { setFlagsFromString } from "node:v8";

// The bot often runs in a small container beside the backups, and waits on people and VB365 far
// more than it computes: before its code loads, V8 is told to keep memory down. What each setting
// saved, measured with 100,000 users synced (npm run bench -- process):
// - the young generation stays at its first size (1 MiB a semi-space) instead of growing to 16 MiB
//   during start-up and each sync: 15 MiB at start, 30 MiB at peak, for more (cheap) scavenges;
// - the old generation grows by 70% of what is live before the next full collection, not up to
//   four times as on a machine with memory to spare, where a sync's pages piled up as garbage:
//   50 MiB at peak, for about a fifth more CPU time in the sync;
// - undici's WebAssembly HTTP parser stays with the baseline compiler, whose optimizing tier took
//   25 MiB for a moment at the first VB365 call and kept 10 MiB;
// - the optimizing compiler waits until the bot has started: the only code hot enough for it
//   during start-up is Node's module loader, and compiling that brought 10 MiB of the compiler in.
// --optimize-for-size keeps memory as low but doubles the time a sync spends collecting.
setFlagsFromString("--semi-space-growth-factor=1");
setFlagsFromString("--heap-growing-percent=70");
setFlagsFromString("--liftoff-only");
setFlagsFromString("--no-turbofan");

const { processEnvironment } = await import("./config.ts");
const { runBot } = await import("./lifecycle.ts");

runBot({
  env: processEnvironment(),
  cwd: process.cwd(),
  onStarted: () => setFlagsFromString("--turbofan"),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Only reached when the logger itself could not be set up; never print more than the message.
    process.stderr.write(`vbo-audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
