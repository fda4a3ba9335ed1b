/**
 * How the bot is: `status` (each VB365 server's connection and version, audit e-mail
 * notifications, the database, the open requests), `reachable` (all a non-viewer is told) and
 * `readiness` for `/readyz`. VB365 failing is reported, never thrown. Readiness answers with a
 * generic reason anyone may read; what went wrong goes to the log. With several servers, one down
 * costs only its own organizations: the bot stays ready while any server answers, and says which
 * do not.
 */
import type { Clock } from "../../clock.ts";
import type { ApiVersionSetting } from "../../config.ts";
import { describeError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboHealth } from "../../vbo/api.ts";
import type { ApiVersion } from "../../vbo/schemas.ts";
import type { DisplayReads } from "../display-reads.ts";
import type { Organizations } from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { RequestRecords } from "../requests/ports.ts";
import type { Fleet, VboServer } from "../servers.ts";
import type { LogHead } from "../vocabulary.ts";

/** Why the bot is not ready, in words fit for anyone who can reach `/readyz`. */
export type NotReadyReason = "database_unavailable" | "vb365_unreachable" | "shutting_down" | "check_failed";

/** With several servers: the names of those whose last call failed (the bot is still ready). */
export type Readiness = { ready: true; unreachable?: string[] } | { ready: false; reason: NotReadyReason };

/** Audit e-mail notifications: without them audit items alert nobody. */
export type Notifications =
  | { kind: "on"; to?: string | undefined }
  | { kind: "off" }
  | { kind: "unknown"; error: string };

export interface ServerStatus {
  url: string;
  setting: ApiVersionSetting;
  reachable: boolean;
  error?: string | undefined;
  apiVersion?: ApiVersion | undefined;
  lastSuccessAt?: Date | undefined;
  organizations?: number | undefined;
}

export interface StatusReport {
  /** The first server (the only one in the simple case). */
  vbo: ServerStatus;
  /** The first server's audit e-mail notifications. */
  notifications: Notifications;
  /** Every server, in configured order, with its name and notifications. */
  servers: readonly (ServerStatus & { name: string; notifications: Notifications })[];
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
  fleet: Fleet;
  display: Pick<DisplayReads, "auditEmailSettings">;
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

/** Pure: with several servers, ready while any answers; the others are named. */
export function fleetReadinessOf(
  databaseOpen: boolean,
  servers: readonly { name: string; health: VboHealth }[],
): Readiness {
  const [only] = servers;
  if (servers.length === 1 && only) return readinessOf(databaseOpen, only.health);
  if (!databaseOpen) return { ready: false, reason: "database_unavailable" };
  const down = servers.filter((s) => s.health.lastCallOk === false).map((s) => s.name);
  if (down.length === servers.length) return { ready: false, reason: "vb365_unreachable" };
  return down.length > 0 ? { ready: true, unreachable: down } : { ready: true };
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
    let listed: Awaited<ReturnType<Organizations["list"]>> = [];
    try {
      listed = await this.#deps.organizations.list();
    } catch {
      // Each server's own answer below says why.
    }
    const servers = await Promise.all(this.#deps.fleet.servers.map((s) => this.#server(s, listed)));
    const [first] = servers;
    if (first === undefined) throw new Error("a fleet has at least one server");
    const { name: _name, notifications, ...vbo } = first;
    const report: StatusReport = {
      vbo,
      notifications,
      servers,
      database: { ok: true },
      requests: { pending: 0, waitingToApply: 0 },
      log: { head: undefined },
      readiness: { ready: true },
    };
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

  /** One server's connection, version, organizations and notifications. */
  async #server(
    server: VboServer,
    listed: Awaited<ReturnType<Organizations["list"]>>,
  ): Promise<StatusReport["servers"][number]> {
    const { vbo } = server;
    const status: StatusReport["servers"][number] = {
      name: server.name,
      url: server.url,
      setting: server.apiVersion,
      reachable: false,
      notifications: { kind: "unknown", error: "not checked" },
    };
    try {
      status.apiVersion = await vbo.apiVersion();
      // The organizations' list may be an older one for a server that fails now: its last call says.
      status.organizations = listed.filter((o) => this.#deps.fleet.serverOf(o) === server.name).length;
      status.reachable = vbo.health().lastCallOk !== false;
      if (!status.reachable) status.error = vbo.health().lastError ?? "the last call failed";
    } catch (err) {
      status.error = describeError(err);
      if (!isVboError(err)) this.#log.error("status: unexpected error from VB365", { error: err });
    }
    try {
      const settings = await this.#deps.display.auditEmailSettings(server.name);
      status.notifications = settings.enableNotification
        ? { kind: "on", to: settings.to || undefined }
        : { kind: "off" };
    } catch (err) {
      status.notifications = { kind: "unknown", error: describeError(err) };
    }
    const health = vbo.health();
    status.lastSuccessAt = health.lastSuccessAt;
    status.apiVersion ??= health.version;
    return status;
  }

  #healths(): { name: string; health: VboHealth }[] {
    return this.#deps.fleet.servers.map((s) => ({ name: s.name, health: s.vbo.health() }));
  }

  async reachable(): Promise<boolean> {
    try {
      await this.#deps.organizations.list();
    } catch (err) {
      if (!isVboError(err)) this.#log.error("reachable: unexpected error from VB365", { error: err });
      return false;
    }
    // The list may be the cached one: the last calls say whether VB365 answers now.
    return this.#healths().some((s) => s.health.lastCallOk !== false);
  }

  async readiness(): Promise<Readiness> {
    const { store } = this.#deps;
    if (store.isOpen() && this.#healths().some((s) => s.health.lastCallOk === false)) {
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
    const healths = this.#healths();
    const readiness = fleetReadinessOf(store.isOpen(), healths);
    this.#logDetail(readiness, healths);
    return readiness;
  }

  /** The details behind a generic reason, logged when they change (not on every probe). */
  #logDetail(readiness: Readiness, healths: { name: string; health: VboHealth }[]): void {
    const failing = healths
      .filter((s) => s.health.lastCallOk === false)
      .map((s) => `${s.name}: ${s.health.lastError ?? "unknown error"}`)
      .join("; ");
    const detail = readiness.ready
      ? readiness.unreachable
        ? failing
        : undefined
      : readiness.reason === "vb365_unreachable"
        ? failing || "unknown error"
        : "the database is not open";
    if (detail === this.#loggedDetail) return;
    this.#loggedDetail = detail;
    if (readiness.ready && detail !== undefined)
      this.#log.warn("ready, but some VB365 servers fail", { detail });
    else if (readiness.ready) this.#log.info("ready again");
    else this.#log.warn("not ready", { reason: readiness.reason, detail });
  }

  /** One cheap authenticated read, shared by concurrent callers and at most one per interval. */
  #probeVbo(): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    if (this.#probe === undefined && now - this.#lastProbeAt >= (this.#deps.readinessProbeMs ?? 5_000)) {
      this.#lastProbeAt = now;
      const failing = this.#deps.fleet.servers.filter((s) => s.vbo.health().lastCallOk === false);
      this.#probe = Promise.all(
        failing.map((s) =>
          s.vbo.listOrganizations().then(
            () => this.#log.info("VB365 answers again", { server: s.name }),
            () => undefined, // the client recorded the failure; readiness reports it
          ),
        ),
      )
        .then(() => undefined)
        .finally(() => {
          this.#probe = undefined;
        });
    }
    return this.#probe ?? Promise.resolve();
  }
}
