// Waiting for something a local test peer receives (an email, a webhook request), without polling.
export type Waiters = Set<() => unknown>;

/** Resolves with the first item matching `predicate`, now or when it arrives (the peer calls each waiter on arrival). */
export function waitForItem<T>(items: T[], waiters: Waiters, predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = items.find(predicate);
      if (found === undefined) return false;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`No matching ${what} within ${timeoutMs} ms (${items.length} received)`));
    }, timeoutMs);
    if (!check()) waiters.add(check);
  });
}
