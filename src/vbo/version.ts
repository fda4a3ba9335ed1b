/**
 * Which REST API version to speak. Nothing negotiates it: a version is served when
 * `GET /vN/ServiceInstance` (asked without a token) answers 200 or 401, and not when it answers 404.
 * Probed newest first, once; callers that arrive while the probe runs share it.
 */
import type { Logger } from "../logger.ts";
import { VboError } from "./errors.ts";
import type { ApiVersion } from "./schemas.ts";
import { failure, type Transport } from "./transport.ts";

export const PROBE_ORDER: readonly ApiVersion[] = ["v8", "v7", "v6"];

export interface VersionResolver {
  get(): Promise<ApiVersion>;
  /** The version once known, without asking the server. */
  known(): ApiVersion | undefined;
}

export function createVersionResolver(options: {
  configured: ApiVersion | "auto";
  transport: Transport;
  urlFor: (version: ApiVersion, path: string) => URL;
  logger: Logger;
}): VersionResolver {
  let known: ApiVersion | undefined = options.configured === "auto" ? undefined : options.configured;
  let probing: Promise<ApiVersion> | undefined;

  const probe = async (): Promise<ApiVersion> => {
    for (const version of PROBE_ORDER) {
      const reply = await options.transport.send({
        operation: "detectVersion",
        method: "GET",
        url: options.urlFor(version, "/ServiceInstance"),
        headers: { accept: "application/json" },
        retryable: true,
      });
      if (reply.status === 200 || reply.status === 401) {
        options.logger.info("vbo api version detected", { version });
        return version;
      }
      // Anything but "not here" leaves the answer unknown: fail now, probe again next time.
      if (reply.status !== 404) throw failure(reply, "detectVersion");
    }
    throw new VboError({
      kind: "http",
      operation: "detectVersion",
      status: 404,
      message: `the server serves none of the REST API versions ${PROBE_ORDER.join(", ")}`,
    });
  };

  return {
    known: () => known,
    get() {
      if (known) return Promise.resolve(known);
      probing ??= probe()
        .then((v) => {
          known = v;
          return v;
        })
        .finally(() => {
          probing = undefined;
        });
      return probing;
    },
  };
}
