/**
 * Which page instances are alive, and which one is the origin's flusher (the one that
 * replays events other pages left behind). With Web Locks each page holds a lock named
 * after itself for its lifetime, so "gone" is exact. Without them, a record is treated
 * as abandoned once it is 60 s old; a live page's event may then be sent twice, which
 * the collector's dedup by event id absorbs.
 */
import { uuidv7 } from "@inferlog/core/lite";

export interface TabPresence {
  readonly owner: string;
  /**
   * Settles once this page's own lock is held, so no page can mistake it for gone (or once the
   * request failed: the page still starts, and its records then look gone to other tabs).
   */
  ready: Promise<void>;
  /** A predicate telling whether a record's owner is another page that is gone, as of now. */
  snapshot(): Promise<(owner: string, at: number) => boolean>;
  /**
   * Calls `fn` once this page becomes the single flusher for the origin. Resolves with what `fn`
   * returned when that happened at once; otherwise (another page holds the role for now, or the
   * lock request failed) with something else, before `fn` runs.
   */
  whenFlusher(fn: () => unknown): Promise<unknown>;
}

interface LockManagerLike {
  request(name: string, cb: (lock: unknown) => Promise<unknown>): Promise<unknown>;
  request(name: string, opts: { ifAvailable: boolean }, cb: (lock: unknown) => Promise<unknown>): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export function createTabPresence(prefix: string): TabPresence {
  // A UUIDv7 (core's generator): unique per page, and unlike crypto.randomUUID also on plain-http pages.
  const owner = uuidv7(Date.now());
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  const pageLock = `${prefix}:page:`;
  const flusher = `${prefix}:flusher`;
  // A lock is held for as long as its callback's promise is pending: here, the page's lifetime.
  const forever = () => new Promise<never>(() => {});
  return {
    owner,
    ready: new Promise<void>((held) => {
      if (!locks) return held();
      locks
        .request(pageLock + owner, () => {
          held();
          return forever();
        })
        .catch(() => held());
    }),
    async snapshot() {
      const held = locks && (await locks.query()).held;
      // Never this page itself, even if its own lock was refused.
      return (o, at) => o !== owner && (locks ? !held?.some((l) => l.name === pageLock + o) : Date.now() - at > 60_000);
    },
    whenFlusher: (fn) =>
      new Promise((resolve) => {
        if (!locks) return resolve(fn());
        // Called with null when the role is taken (`ifAvailable`): resolve (with null) and queue for it,
        // so the current flusher's page closing hands it over; called with the lock, `fn` runs.
        const take = (lock: unknown): Promise<unknown> => {
          resolve(lock && fn());
          return lock ? forever() : locks.request(flusher, take);
        };
        locks.request(flusher, { ifAvailable: true }, take).catch(resolve);
      }),
  };
}
