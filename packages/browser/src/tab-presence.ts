/**
 * Which page instances are alive, and which one is the origin's flusher (the one that
 * replays events other pages left behind). With Web Locks each page holds a lock named
 * after itself while it is shown, so "gone" is exact for open pages. Without them, a record is
 * treated as abandoned once it is 60 s old; a live page's event may then be sent twice, which
 * the collector's dedup by event id absorbs.
 *
 * Nothing is held or queued while the page is hidden for good: a held or awaited Web Lock keeps
 * Chromium from putting the page in the back/forward cache. The locks go at `pagehide` and are
 * requested again at `pageshow` when the page comes back from the cache. A page in the cache
 * therefore looks gone, and the flusher may replay its records meanwhile; if it comes back, the
 * same ids may be sent twice, which the collector's dedup absorbs.
 */
import { uuidv7 } from "@inferlog/core/lite";
import { FALLBACK_STALE_MS } from "./persistence-constants.js";

export interface TabPresence {
  readonly _owner: string;
  /**
   * Settles once this page's own lock is held, so no page can mistake it for gone (or once the
   * request failed: the page still starts, and its records then look gone to other tabs).
   */
  _ready: Promise<void>;
  /** A predicate telling whether a record's owner is another page that is gone, as of now. */
  _snapshot(): Promise<(owner: string, at: number) => boolean>;
  /**
   * Calls `fn` each time this page becomes the single flusher for the origin (again after a return
   * from the back/forward cache). Resolves with what `fn` returned when that happened at once;
   * otherwise (another page holds the role for now, or the lock request failed) with something
   * else, before `fn` runs.
   */
  _whenFlusher(fn: () => unknown): Promise<unknown>;
  /** True while this page holds the flusher role (always without Web Locks). */
  _flusher: boolean;
}

interface LockManagerLike {
  request(
    name: string,
    opts: { ifAvailable?: boolean; signal?: AbortSignal },
    cb: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

const noop = () => {};

export function createTabPresence(prefix: string): TabPresence {
  // A UUIDv7 (core's generator): unique per page, and unlike crypto.randomUUID also on plain-http pages.
  const owner = uuidv7(Date.now());
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  const pageLock = `${prefix}:page:${owner}`;
  const flusherLock = `${prefix}:flusher`;
  /** Ends what this page holds or waits for (at `pagehide`). */
  let release = noop;
  let onFlusher: (() => unknown) | undefined;
  let decided: (value: unknown) => void = noop;
  /** What the page's current stay holds: aborted (and resolved) at `pagehide`. */
  let stay: { signal: AbortSignal; hold: Promise<void> };

  /** Takes the page lock and, once asked for, a place in the flusher's line; all of it until `release`. */
  function acquire(held: () => void): void {
    if (!locks) {
      held();
      return;
    }
    const controller = new AbortController();
    let unhold = noop;
    // A lock is held for as long as its callback's promise is pending.
    const hold = new Promise<void>((resolve) => {
      unhold = resolve;
    });
    release = () => {
      presence._flusher = false;
      controller.abort();
      unhold();
    };
    stay = { signal: controller.signal, hold };
    locks
      .request(pageLock, {}, () => {
        held();
        return hold;
      })
      .catch(held);
    if (onFlusher) queueForFlusher();
  }

  function queueForFlusher(): void {
    const { signal, hold } = stay;
    // Called with null when the role is taken (`ifAvailable`): say so and wait in line (abortable, so
    // `pagehide` leaves the line); called with the lock, this page is the flusher until `release`.
    const take = (lock: unknown): Promise<unknown> => {
      if (!lock) {
        decided(null);
        return locks!.request(flusherLock, { signal }, take).catch(noop);
      }
      presence._flusher = true;
      decided(onFlusher!());
      return hold;
    };
    // `ifAvailable` cannot be combined with a signal; it never waits anyway.
    locks!.request(flusherLock, { ifAvailable: true }, take).catch(decided);
  }

  const presence: TabPresence = {
    _owner: owner,
    _flusher: !locks,
    _ready: new Promise<void>(acquire),
    async _snapshot() {
      const held = locks && (await locks.query()).held;
      // Never this page itself, even if its own lock was refused.
      return (text, at) =>
        text !== owner &&
        (locks ? !held?.some((entry) => entry.name === `${prefix}:page:${text}`) : Date.now() - at > FALLBACK_STALE_MS);
    },
    _whenFlusher: (fn) =>
      new Promise((resolve) => {
        onFlusher = fn;
        if (!locks) return resolve(fn());
        decided = (value) => {
          decided = noop;
          resolve(value);
        };
        queueForFlusher();
      }),
  };
  if (locks && typeof addEventListener === "function") {
    addEventListener("pagehide", () => release());
    addEventListener("pageshow", (event) => (event as PageTransitionEvent).persisted && acquire(noop));
  }
  return presence;
}
