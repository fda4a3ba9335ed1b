/** Small helpers for async work that several parts of the bot share. */

/** Every item of a paged listing, in order. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `promise`, or a rejection with `reason()` as soon as `signal` aborts: for waiting on work shared
 * with others (a token being fetched) without cancelling it for them.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  reason: () => Error,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * The items of `pages`, with the next page requested as soon as one is handed out: the server
 * prepares it while the caller works through the one in hand.
 */
export async function* readAhead<T>(pages: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = pages[Symbol.asyncIterator]();
  const request = () => {
    const page = iterator.next();
    // Its failure is seen when it is awaited; until then it must not count as unhandled.
    void page.catch(() => undefined);
    return page;
  };
  let next = request();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = request();
      yield result.value;
    }
  } finally {
    // Stopped early (the caller failed): the page in flight is not wanted, nor its failure.
    await next.then(
      (result) => (result.done ? undefined : iterator.return?.()),
      () => undefined,
    );
  }
}
