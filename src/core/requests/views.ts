/**
 * The chat views of requests follow the store: after every change the request's messages are
 * re-rendered through the `RequestNotifier`. Re-rendering is safe to repeat, so when it fails the
 * request is queued (`RerenderQueue`) and a later job run tries again: a chat outage never leaves a
 * message showing a state the store has left behind. The one place that decides what a failed
 * re-render means, and logs it once.
 */
import type { Clock } from "../../clock.ts";
import { describeError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { RequestNotifier, RerenderQueue } from "./ports.ts";

export interface RefreshCounts {
  notified: number;
  queued: number;
}

export interface RequestViewsDeps {
  notifier: RequestNotifier;
  queue: RerenderQueue;
  clock: Clock;
  logger: Logger;
}

export class RequestViews {
  readonly #deps: RequestViewsDeps;
  readonly #log: Logger;
  readonly #background = new Set<Promise<void>>();

  constructor(deps: RequestViewsDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "views" });
  }

  /** Re-renders the requests now; each that fails is queued. Resolves with how many went which way. */
  async refresh(requestIds: Iterable<number>): Promise<RefreshCounts> {
    const counts: RefreshCounts = { notified: 0, queued: 0 };
    for (const id of new Set(requestIds)) {
      if (await this.#refreshOne(id)) counts.notified++;
      else counts.queued++;
    }
    return counts;
  }

  /**
   * Re-renders a request without waiting (a click's answer, a modal's close, must not wait on
   * Slack); `idle()` settles once it is done.
   */
  inBackground(requestId: number): void {
    const task = this.#refreshOne(requestId).then(() => undefined);
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }

  /** Retries the queued re-renders; resolves with how many are still queued. */
  async drain(): Promise<number> {
    let left = 0;
    for (const queued of this.#deps.queue.list()) {
      try {
        await this.#deps.notifier.requestChanged(queued.requestId);
        this.#deps.queue.done(queued.requestId);
      } catch (err) {
        this.#deps.queue.failed(queued.requestId, describeError(err));
        left++;
      }
    }
    return left;
  }

  /** Settles once every background re-render started so far has finished. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** True when shown; false when it failed and was queued. Never rejects. */
  async #refreshOne(requestId: number): Promise<boolean> {
    try {
      await this.#deps.notifier.requestChanged(requestId);
      this.#deps.queue.done(requestId);
      return true;
    } catch (err) {
      try {
        this.#deps.queue.enqueue(requestId, this.#deps.clock.now(), describeError(err));
        this.#log.warn("re-rendering a request failed; queued for the jobs to retry", {
          requestId,
          error: err,
        });
      } catch (queueError) {
        this.#log.error("re-rendering a request failed, and queueing it for a retry failed too", {
          requestId,
          error: err,
          queueError,
        });
      }
      return false;
    }
  }
}
