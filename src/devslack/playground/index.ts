/**
 * The playground: the stand-in for Slack with a web page on it, where one can act as each person of
 * a small workspace (type the slash command, click, fill in modals, open the Home tab) and watch
 * what the bot posts, live. Everything the page does reaches the bot as Slack would send it.
 */
import { createDevSlack, type DevSlack } from "../index.ts";
import type { WorkspaceChannel, WorkspaceUser } from "../types.ts";
import type { ActContext, PlaygroundControl } from "./actions.ts";
import type { AppLink } from "./deliver.ts";
import type { Person } from "./protocol.ts";
import { playgroundRoutes } from "./routes.ts";

export type { PlaygroundControl } from "./actions.ts";
export type { AppLink } from "./deliver.ts";
export type { Person } from "./protocol.ts";

export interface PlaygroundOptions {
  /** 0 picks a free port. The host is always 127.0.0.1. */
  port: number;
  /** The workspace's name, shown in the sidebar and the page title. */
  workspace: string;
  botName: string;
  /** The slash command the bot listens to, e.g. `/vbo-audit`. */
  command: string;
  /** Who the page can act as, in the switcher's order. */
  persons: Person[];
  /** Other members (mentioned, looked up by the bot) the page does not act as. */
  members?: WorkspaceUser[];
  channels: WorkspaceChannel[];
  controls: PlaygroundControl[];
}

export interface Playground {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly slack: DevSlack;
  /** Tells the playground where the bot listens, once it has started. */
  connect(link: AppLink): void;
  close(): Promise<void>;
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  let link: AppLink | undefined;
  const setup = {
    workspace: options.workspace,
    botName: options.botName,
    persons: options.persons,
    controls: options.controls.map(({ id, label, hint }) => ({ id, label, hint })),
  };
  const users: WorkspaceUser[] = [
    ...options.persons.map((p) => ({ id: p.id, name: p.name, realName: p.realName, email: p.email })),
    ...(options.members ?? []),
  ];
  const slack = await createDevSlack({
    port: options.port,
    channels: options.channels,
    users,
    extraRoutes: (ws) =>
      playgroundRoutes({
        ws,
        setup,
        context: (): ActContext => ({ ws, link, controls: options.controls, command: options.command }),
      }),
  });
  // Every person has a DM with the bot from the start, as with an installed app.
  for (const person of options.persons) slack.workspace.openDm(person.id);
  return {
    url: `${slack.url}/`,
    slack,
    connect: (to) => {
      link = to;
    },
    close: () => slack.close(),
  };
}
