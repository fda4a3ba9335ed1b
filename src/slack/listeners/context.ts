/**
 * What every listener gets: the core (its flows, queries, digest and routing), the digest on demand
 * as the jobs run it, the Web API client, and the helpers that answer the person safely (a failed
 * answer is logged, never thrown).
 */
import type { BlockAction, RespondArguments, RespondFn } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { DigestPoster } from "../../core/digest/ports.ts";
import type { Core } from "../../core/index.ts";
import type { Request } from "../../core/requests/types.ts";
import type { OrganizationRef } from "../../core/vocabulary.ts";
import { callSlack, slackErrorCode } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { renderHome } from "../blocks/home.ts";
import type { OutgoingMessage } from "../blocks/kit.ts";

export interface ListenerDeps {
  core: Pick<Core, "flows" | "queries" | "digest" | "routing" | "idle">;
  /** The digest on demand, as the jobs run it (one at a time, recorded); absent where no jobs run. */
  digest?: DigestPoster | undefined;
  web: WebClient;
  logger: Logger;
}

/** The policy a request is held to, and the channel its organization's requests go to: its route's. */
export function routeLookups(deps: Pick<ListenerDeps, "core">) {
  const { routing } = deps.core;
  return {
    policyOf: (request: Pick<Request, "organization">) => routing.of(request.organization).policy,
    approvalsChannelOf: (organization: OrganizationRef) => routing.of(organization).destinations.approvals,
  };
}

export interface RespondOptions {
  /** Replace the message the click came from (an ephemeral list of candidates) instead of adding one. */
  replace_original?: boolean;
}

/** Reply parameters for a message the person alone sees. */
export function ephemeral(message: OutgoingMessage, options: RespondOptions = {}): RespondArguments {
  const blocks = (message.blocks ?? []) as KnownBlock[];
  return options.replace_original === undefined
    ? { response_type: "ephemeral", text: message.text, blocks }
    : { response_type: "ephemeral", text: message.text, blocks, replace_original: options.replace_original };
}

/** Answers at the payload's response URL; a failure (expired URL, Slack down) is logged. */
export async function respondSafely(
  respond: RespondFn | undefined,
  message: OutgoingMessage,
  logger: Logger,
  options: RespondOptions = {},
): Promise<boolean> {
  if (respond === undefined) return false;
  try {
    await callSlack("response_url", () => respond(ephemeral(message, options)));
    return true;
  } catch (err) {
    logger.warn("could not answer at the response URL", { error: slackErrorCode(err) });
    return false;
  }
}

/** Who clicked, and where to answer them: the click's response URL, when it came from a message. */
export function clicker(body: BlockAction, respond: RespondFn | undefined) {
  return { userId: body.user.id, respond, responseUrl: body.response_url };
}

/**
 * Tells a person something where they clicked: at the response URL when the click came from a
 * message, else (a click on the Home tab has none) in their direct messages with the bot.
 */
export async function tell(
  deps: Pick<ListenerDeps, "web" | "logger">,
  target: { userId: string; respond?: RespondFn | undefined; responseUrl?: string | undefined },
  message: OutgoingMessage,
): Promise<void> {
  if (
    target.responseUrl &&
    (await respondSafely(target.respond, message, deps.logger, { replace_original: false }))
  )
    return;
  try {
    await callSlack("chat.postMessage", () =>
      deps.web.chat.postMessage({
        channel: target.userId,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as KnownBlock[] } : {}),
      }),
    );
  } catch (err) {
    deps.logger.warn("could not tell a person by direct message", {
      userId: target.userId,
      error: slackErrorCode(err),
    });
  }
}

/** Renders and publishes someone's Home tab; failures are logged. */
export async function publishHome(deps: ListenerDeps, userId: string): Promise<void> {
  const data = await deps.core.queries.home(userId);
  const view = renderHome(data, { policyOf: routeLookups(deps).policyOf });
  try {
    await callSlack("views.publish", () => deps.web.views.publish({ user_id: userId, view }));
  } catch (err) {
    deps.logger.warn("could not publish the Home tab", { userId, error: slackErrorCode(err) });
  }
}
