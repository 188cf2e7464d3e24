import { uuidv7 } from "@inferlog/core/lite";

/**
 * Which page instances are alive, and which one is the origin's flusher (the one that
 * replays events other pages left behind). With Web Locks each page holds a lock named
 * after itself for its lifetime, so "gone" is exact. Without them, a record is treated
 * as abandoned once it is FALLBACK_STALE_MS old; a live page's event may then be sent
 * twice, which the collector's dedup by event id absorbs.
 */
export const FALLBACK_STALE_MS = 60_000;

export interface TabPresence {
  readonly owner: string;
  /** Resolves once this page's own lock is held, so no page can mistake it for gone. */
  ready: Promise<void>;
  /** A predicate telling whether a record's owner is gone, as of now. */
  snapshot(): Promise<(owner: string, at: number) => boolean>;
  /**
   * Calls `fn` once this page becomes the single flusher for the origin. Resolves true
   * when that happened at once, false when another page holds the role for now.
   */
  whenFlusher(fn: () => void): Promise<boolean>;
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
  const forever = () => new Promise<never>(() => {});
  if (!locks) {
    return {
      owner,
      ready: Promise.resolve(),
      snapshot: async () => (o, at) => o !== owner && Date.now() - at > FALLBACK_STALE_MS,
      whenFlusher: async (fn) => {
        fn();
        return true;
      },
    };
  }
  const ready = new Promise<void>((resolve) => {
    locks
      .request(pageLock + owner, () => {
        resolve();
        return forever();
      })
      .catch(() => resolve());
  });
  return {
    owner,
    ready,
    async snapshot() {
      const held = (await locks.query()).held ?? [];
      const live = new Set(held.map((l) => l.name?.slice(pageLock.length)));
      return (o) => !live.has(o);
    },
    whenFlusher(fn) {
      const name = `${prefix}:flusher`;
      const hold = () => {
        fn();
        return forever();
      };
      return new Promise<boolean>((resolve) => {
        locks
          .request(name, { ifAvailable: true }, async (lock) => {
            if (lock) {
              const held = hold();
              resolve(true);
              return held;
            }
            resolve(false);
            // Queue for the role: the current flusher's page closing hands it over.
            locks.request(name, hold).catch(() => undefined);
          })
          .catch(() => resolve(false));
      });
    },
  };
}
