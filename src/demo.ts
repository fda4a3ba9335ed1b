/**
 * `npm run demo`: the bot with the VB365 simulator in the same process, for trying it in Slack
 * without a VB365 server. Only the Slack settings are needed (bot token, signing secret or app
 * token, channel ids, approvers); the VB365 connection always points at the simulator, so a demo
 * can never touch a real server, and its requests go to their own database unless DATABASE_PATH is
 * set in the environment. Without a bot token it needs no Slack either: src/demo/playground.ts.
 */
import { processEnvironment, variableFrom } from "./config.ts";
import { runPlayground } from "./demo/playground.ts";
import { runBot } from "./lifecycle.ts";
import { createSimulator } from "./sim/server.ts";
import { SEED } from "./sim/types.ts";

/** Generated users in the simulator's vBridge organization, beside the seeded ones. */
const DEMO_USERS = 300;
const DEMO_DATABASE_PATH = "./data/demo.sqlite";

type Env = Record<string, string | undefined>;

/**
 * The environment the demo bot runs with: the given one, its VB365 connection replaced by the
 * simulator's (a `.env` written for a real server cannot redirect it: these values win over the
 * file), and a demo organization and database unless the environment names its own.
 */
function demoEnvironment(env: Env, sim: { url: string; username: string; password: string }): Env {
  return {
    ...env,
    VBO_URL: sim.url,
    VBO_USERNAME: sim.username,
    VBO_PASSWORD: sim.password,
    // Blank means unset: a pinned certificate or a skipped check meant for a real server does not apply.
    VBO_CA_FILE: "",
    VBO_TLS_INSECURE: "",
    VBO_USERNAME_FILE: "",
    VBO_PASSWORD_FILE: "",
    VBO_ORGANIZATION: env.VBO_ORGANIZATION?.trim() ? env.VBO_ORGANIZATION : SEED.organization.name,
    DATABASE_PATH: env.DATABASE_PATH?.trim() ? env.DATABASE_PATH : DEMO_DATABASE_PATH,
  };
}

async function main(): Promise<number> {
  const sim = await createSimulator({ host: "127.0.0.1", users: DEMO_USERS });
  try {
    const env = demoEnvironment(processEnvironment(), sim);
    const cwd = process.cwd();
    if (
      !variableFrom(env, "SLACK_BOT_TOKEN", { cwd }) &&
      !variableFrom(env, "SLACK_BOT_TOKEN_FILE", { cwd })
    ) {
      return await runPlayground({ env, cwd, sim, stderr: (text) => process.stderr.write(text) });
    }
    return await runBot({
      env,
      cwd,
      name: "vbo-audit demo",
      onStarted: ({ port, config, logger }) => {
        logger.info("demo: VB365 simulator running in this process", {
          vboUrl: sim.url,
          organizations: [SEED.organization.name, SEED.contoso.name],
          generatedUsers: DEMO_USERS,
          databasePath: config.databasePath,
        });
        // For the person at the terminal; stdout stays JSON log lines.
        process.stderr.write(
          [
            "",
            `vbo-audit demo: the bot (${config.slack.mode === "socket" ? "Socket Mode" : `HTTP mode, port ${port}`}) with the VB365 simulator at ${sim.url}`,
            `  organizations: ${SEED.organization.name} (${DEMO_USERS} generated users besides the seeded ones), ${SEED.contoso.name}`,
            `  database: ${config.databasePath}`,
            "  try in Slack: /vbo-audit list, /vbo-audit add ben.young legal hold, /vbo-audit status",
            "  Ctrl-C stops both.",
            "",
          ].join("\n"),
        );
      },
    });
  } finally {
    await sim.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vbo-audit demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
