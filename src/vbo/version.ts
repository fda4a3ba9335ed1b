/**
 * Which REST API version to speak. Nothing negotiates it, and no single answer settles it:
 * 1. Probe `GET /vN/ServiceInstance` without a token, newest first. 404: not served. 200, 401 or
 *    403: the route answered, so the version is a candidate; but a proxy or an authentication
 *    layer in front of the server may answer 401/403 for versions the server does not serve.
 * 2. Log in at the candidate (`confirm`): a 404 there means it is not served after all, and the
 *    next candidate is tried; a 403 means the server lets no administrator in (restore operator
 *    authentication only), reported as such.
 * 3. Read `ServiceInstance` with the token: its build number names the newest API the server has
 *    (VB365 8.x serves v8, 7.x v7, 6.x v6). The lower of that and the candidate is used.
 * Resolved once; callers that arrive while it runs share it. A failure is not remembered: the next
 * call starts again.
 */
import type { Logger } from "../logger.ts";
import { isVboError, VboError } from "./errors.ts";
import { API_VERSIONS, type ApiVersion } from "./schemas.ts";
import { failure, type Transport } from "./transport.ts";

export const PROBE_ORDER: readonly ApiVersion[] = ["v8", "v7", "v6"];

/** Statuses of an anonymous probe that say the route exists. */
const ANSWERED = new Set([200, 401, 403]);

export interface VersionResolver {
  get(): Promise<ApiVersion>;
  /** The version once known, without asking the server. */
  known(): ApiVersion | undefined;
}

/** The newest API version a VB365 build serves, among those the bot speaks; undefined when unknown. */
export function versionOfBuild(build: string | null | undefined): ApiVersion | undefined | "too old" {
  const major = Number(/^\s*(\d+)\./.exec(build ?? "")?.[1]);
  if (!Number.isInteger(major)) return undefined;
  if (major < 6) return "too old";
  const newest = API_VERSIONS[API_VERSIONS.length - 1] as ApiVersion;
  return major >= 8 ? newest : (`v${major}` as ApiVersion);
}

const rank = (v: ApiVersion) => API_VERSIONS.indexOf(v);

export function createVersionResolver(options: {
  configured: ApiVersion | "auto";
  transport: Transport;
  urlFor: (version: ApiVersion, path: string) => URL;
  logger: Logger;
  /**
   * Logs in at `candidate` and returns the server's build number (`ServiceInstance.version`),
   * undefined when it gives none. Rejects with the login's error.
   */
  confirm: (candidate: ApiVersion) => Promise<string | undefined>;
}): VersionResolver {
  let known: ApiVersion | undefined = options.configured === "auto" ? undefined : options.configured;
  let probing: Promise<ApiVersion> | undefined;

  /** The newest version whose probe answered, skipping `excluded`. */
  const candidate = async (excluded: ReadonlySet<ApiVersion>): Promise<ApiVersion | undefined> => {
    for (const version of PROBE_ORDER) {
      if (excluded.has(version)) continue;
      const reply = await options.transport.send({
        operation: "detectVersion",
        method: "GET",
        url: options.urlFor(version, "/ServiceInstance"),
        headers: { accept: "application/json" },
        retryable: true,
      });
      if (ANSWERED.has(reply.status)) return version;
      // Anything but "not here" leaves the answer unknown: fail now, probe again next time.
      if (reply.status !== 404) throw failure(reply, "detectVersion");
    }
    return undefined;
  };

  const probe = async (): Promise<ApiVersion> => {
    const excluded = new Set<ApiVersion>();
    for (;;) {
      const version = await candidate(excluded);
      if (version === undefined) {
        throw new VboError({
          kind: "http",
          operation: "detectVersion",
          status: 404,
          message: `the server serves none of the REST API versions ${PROBE_ORDER.join(", ")}`,
        });
      }
      let build: string | undefined;
      try {
        build = await options.confirm(version);
      } catch (err) {
        if (isVboError(err) && err.kind === "http" && err.status === 404) {
          options.logger.info("vbo api version answered the probe but has no login; trying older", {
            version,
          });
          excluded.add(version);
          continue;
        }
        throw err;
      }
      const served = versionOfBuild(build);
      if (served === "too old") {
        throw new VboError({
          kind: "http",
          operation: "detectVersion",
          message: `VB365 build ${build} is older than 6.0; the bot needs REST API v6 or newer`,
        });
      }
      const chosen = served !== undefined && rank(served) < rank(version) ? served : version;
      if (chosen !== version) {
        options.logger.info("vbo build serves an older api than the probe suggested", {
          build,
          version,
          chosen,
        });
      }
      options.logger.info("vbo api version detected", { version: chosen, build });
      return chosen;
    }
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
