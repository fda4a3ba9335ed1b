/**
 * How the bot is: `status` (the VB365 connection and version, audit e-mail notifications, the
 * database, the open requests), `reachable` (all a non-viewer is told) and `readiness` for
 * `/readyz`. VB365 failing is reported, never thrown. Readiness answers with a generic reason
 * anyone may read; what went wrong goes to the log.
 */
import type { Clock } from "../../clock.ts";
import type { ApiVersionSetting } from "../../config.ts";
import { describeError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi, VboHealth } from "../../vbo/api.ts";
import type { ApiVersion } from "../../vbo/schemas.ts";
import type { DisplayReads } from "../display-reads.ts";
import type { Organizations } from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { RequestRecords } from "../requests/ports.ts";
import type { LogHead } from "../vocabulary.ts";

/** Why the bot is not ready, in words fit for anyone who can reach `/readyz`. */
export type NotReadyReason = "database_unavailable" | "vb365_unreachable" | "shutting_down" | "check_failed";

export type Readiness = { ready: true } | { ready: false; reason: NotReadyReason };

export interface StatusReport {
  vbo: {
    url: string;
    setting: ApiVersionSetting;
    reachable: boolean;
    error?: string | undefined;
    apiVersion?: ApiVersion | undefined;
    lastSuccessAt?: Date | undefined;
    organizations?: number | undefined;
  };
  /** Audit e-mail notifications: without them audit items alert nobody. */
  notifications:
    | { kind: "on"; to?: string | undefined }
    | { kind: "off" }
    | { kind: "unknown"; error: string };
  database: { ok: boolean; error?: string | undefined };
  requests: { pending: number; waitingToApply: number };
  /** The approval log's newest entry, to publish and check later (`verify-log --expect`). */
  log: { head: LogHead | undefined };
  readiness: Readiness;
}

export interface Health {
  status(): Promise<StatusReport>;
  /** Whether VB365 answers: a fresh list of organizations, or the last call, succeeded. */
  reachable(): Promise<boolean>;
  /**
   * For `/readyz`: the database is open and the last VB365 call succeeded (or none was needed).
   * After a failure it asks VB365 again (rate-limited), so readiness comes back with VB365 even
   * when nothing else is calling it.
   */
  readiness(): Promise<Readiness>;
}

export interface HealthDeps {
  organizations: Organizations;
  store: Pick<Transactions, "isOpen"> & {
    readonly requests: Pick<RequestRecords, "listOpen">;
    readonly log: Pick<EventLog, "head">;
  };
  vbo: VboApi;
  display: Pick<DisplayReads, "auditEmailSettings">;
  vboSettings: { url: string; apiVersion: ApiVersionSetting };
  clock: Clock;
  logger: Logger;
  /** While VB365's last call failed, `readiness()` asks VB365 again at most this often; default 5 s. */
  readinessProbeMs?: number;
}

/** Pure: ready when the database is open and VB365's last call did not fail. */
export function readinessOf(databaseOpen: boolean, health: VboHealth): Readiness {
  if (!databaseOpen) return { ready: false, reason: "database_unavailable" };
  if (health.lastCallOk === false) return { ready: false, reason: "vb365_unreachable" };
  return { ready: true };
}

export function createHealth(deps: HealthDeps): Health {
  return new HealthService(deps);
}

class HealthService implements Health {
  readonly #deps: HealthDeps;
  readonly #log: Logger;
  #lastProbeAt = Number.NEGATIVE_INFINITY;
  #probe: Promise<void> | undefined;
  /** The last not-ready detail logged, so a probe every few seconds logs a change once. */
  #loggedDetail: string | undefined;

  constructor(deps: HealthDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "health" });
  }

  async status(): Promise<StatusReport> {
    const { vbo } = this.#deps;
    const report: StatusReport = {
      vbo: { url: this.#deps.vboSettings.url, setting: this.#deps.vboSettings.apiVersion, reachable: false },
      notifications: { kind: "unknown", error: "not checked" },
      database: { ok: true },
      requests: { pending: 0, waitingToApply: 0 },
      log: { head: undefined },
      readiness: { ready: true },
    };
    try {
      report.vbo.apiVersion = await vbo.apiVersion();
      report.vbo.organizations = (await this.#deps.organizations.list()).length;
      // The list may be the cached one: the last call says whether VB365 answers now.
      const last = vbo.health();
      report.vbo.reachable = last.lastCallOk !== false;
      if (!report.vbo.reachable) report.vbo.error = last.lastError ?? "its last call failed";
    } catch (err) {
      report.vbo.error = describeError(err);
      if (!isVboError(err)) this.#log.error("status: unexpected error from VB365", { error: err });
    }
    try {
      const settings = await this.#deps.display.auditEmailSettings();
      report.notifications = settings.enableNotification
        ? { kind: "on", to: settings.to || undefined }
        : { kind: "off" };
    } catch (err) {
      report.notifications = {
        kind: "unknown",
        error: describeError(err),
      };
    }
    const health = vbo.health();
    report.vbo.lastSuccessAt = health.lastSuccessAt;
    report.vbo.apiVersion ??= health.version;
    try {
      const open = this.#deps.store.requests.listOpen();
      report.requests = {
        pending: open.filter((r) => r.state === "pending").length,
        waitingToApply: open.length - open.filter((r) => r.state === "pending").length,
      };
      report.log = { head: this.#deps.store.log.head() };
      report.database = { ok: this.#deps.store.isOpen() };
    } catch (err) {
      this.#log.error("status: the database failed", { error: err });
      report.database = { ok: false, error: "the database could not be read (see the bot's logs)" };
    }
    report.readiness = report.database.ok
      ? await this.readiness()
      : { ready: false, reason: "database_unavailable" };
    return report;
  }

  async reachable(): Promise<boolean> {
    try {
      await this.#deps.organizations.list();
    } catch (err) {
      if (!isVboError(err)) this.#log.error("reachable: unexpected error from VB365", { error: err });
      return false;
    }
    // The list may be the cached one: the last call says whether VB365 answers now.
    return this.#deps.vbo.health().lastCallOk !== false;
  }

  async readiness(): Promise<Readiness> {
    const { store, vbo } = this.#deps;
    if (store.isOpen() && vbo.health().lastCallOk === false) {
      // A readiness check must answer quickly: a slow probe finishes in the background.
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#probeVbo(),
        new Promise<void>((resolve) => {
          bound = setTimeout(resolve, 3_000);
        }),
      ]);
      clearTimeout(bound);
    }
    const health = vbo.health();
    const readiness = readinessOf(store.isOpen(), health);
    this.#logDetail(readiness, health);
    return readiness;
  }

  /** The details behind a generic reason, logged when they change (not on every probe). */
  #logDetail(readiness: Readiness, health: VboHealth): void {
    const detail = readiness.ready
      ? undefined
      : readiness.reason === "vb365_unreachable"
        ? (health.lastError ?? "unknown error")
        : "the database is not open";
    if (detail === this.#loggedDetail) return;
    this.#loggedDetail = detail;
    if (readiness.ready) this.#log.info("ready again");
    else this.#log.warn("not ready", { reason: readiness.reason, detail });
  }

  /** One cheap authenticated read, shared by concurrent callers and at most one per interval. */
  #probeVbo(): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    if (this.#probe === undefined && now - this.#lastProbeAt >= (this.#deps.readinessProbeMs ?? 5_000)) {
      this.#lastProbeAt = now;
      this.#probe = this.#deps.vbo
        .listOrganizations()
        .then(
          () => this.#log.info("VB365 answers again"),
          () => undefined, // the client recorded the failure; readiness reports it
        )
        .finally(() => {
          this.#probe = undefined;
        });
    }
    return this.#probe ?? Promise.resolve();
  }
}
