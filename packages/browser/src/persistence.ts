import type { Client, DropReason, QueuedEvent, StoredEvent } from "@inferlog/core";
import { type IdbStore, openIdbStore, type PersistDrop } from "./idb-store.js";
import { DEFAULT_DB_NAME, DEFAULT_MAX_STORAGE_BYTES, type PersistenceOptions } from "./options.js";
import { createTabPresence } from "./tab-presence.js";

/** How often the origin's flusher looks for events that closed pages left behind. */
export const SWEEP_MS = 10_000;
/** How often events whose retries ran out get another go, besides on `online` (which may never fire). */
export const PARKED_RETRY_MS = 60_000;
/** Parked events kept in memory at most; beyond it they wait on disk for the next load. */
const MAX_PARKED = 5_000;

export interface StorageStats {
  /** `indexeddb`, or `memory` where IndexedDB is missing or refused (some private modes). */
  mode: "indexeddb" | "memory" | "starting";
  /** Events this page wrote to IndexedDB. */
  persisted: number;
  /** Events replayed from earlier pages or other tabs. */
  restored: number;
  /** Events that could not be stored, by reason (they are still sent while the page lives). */
  notPersisted: Record<PersistDrop, number>;
}

export interface Persistence {
  onEnqueued(events: readonly QueuedEvent[]): void;
  onSettled(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void;
  /** Starts replay into `client`; resolves once earlier pages' events are back in its queue. */
  start(client: Client): Promise<void>;
  /** Stops the timers and the `online` listener (after `shutdown`). */
  stop(): void;
  stats(): StorageStats;
}

/** Outcomes after which the event stays on disk: it was not delivered and may be next time. */
const KEEP: ReadonlySet<string> = new Set(["retries_exhausted", "shutdown_timeout"]);

export function createPersistence(o: PersistenceOptions, warn: (message: string) => void): Persistence {
  const dbName = o.dbName ?? DEFAULT_DB_NAME;
  const presence = createTabPresence(dbName);
  const s: StorageStats = {
    mode: "starting",
    persisted: 0,
    restored: 0,
    notPersisted: { storage_quota: 0, storage_error: 0 },
  };
  /** The database once it is open; `store` too once the writes that waited for it are handed over. */
  let db: IdbStore | undefined;
  let store: IdbStore | undefined;
  let opened!: () => void;
  let early = new Promise<void>((resolve) => {
    opened = resolve;
  });
  let parked: StoredEvent[] = [];
  let client: Client | undefined;
  let reportedQuota = false;
  let stopped = false;
  const timers: ReturnType<typeof setInterval>[] = [];

  const onDrop = (reason: PersistDrop, ids: readonly string[]) => {
    s.notPersisted[reason] += ids.length;
    s.persisted -= ids.length;
    if (reason === "storage_quota" && !reportedQuota) {
      reportedQuota = true;
      warn(`storage for unsent events is full; ${ids.length} event(s) kept in memory only`);
    }
  };

  function apply(put: boolean, events: readonly QueuedEvent[]): void {
    if (store) put ? store.put(events) : store.remove(events);
    // Before the database is open, writes wait their turn; without one, those events stay in memory only.
    else if (s.mode === "starting")
      early = early.then(() => {
        if (db) put ? db.put(events) : db.remove(events);
        else if (put)
          onDrop(
            "storage_error",
            events.map((e) => e.id),
          );
      });
  }

  /** Gives events parked after a failed delivery another go (the network came back, or a while passed). */
  function retryParked(): void {
    if (!client || stopped || parked.length === 0) return;
    const again = parked;
    parked = [];
    client.restore(again);
  }

  async function sweep(): Promise<void> {
    if (!store || !client) return;
    const gone = await presence.snapshot();
    const claimed = await store.claim(gone);
    s.restored += claimed.length;
    if (claimed.length > 0) client.restore(claimed);
  }

  return {
    onEnqueued(events) {
      s.persisted += events.length;
      apply(true, events);
    },
    onSettled(events, outcome) {
      if (!KEEP.has(outcome)) apply(false, events);
      else if (!stopped && parked.length < MAX_PARKED) parked.push(...events);
    },
    async start(c) {
      client = c;
      timers.push(setInterval(retryParked, PARKED_RETRY_MS));
      globalThis.addEventListener?.("online", retryParked); // absent when rendered on a server
      try {
        await presence.ready;
        db = await openIdbStore({
          dbName,
          maxBytes: o.maxBytes ?? DEFAULT_MAX_STORAGE_BYTES,
          owner: presence.owner,
          onDrop,
        });
      } catch {
        // no IndexedDB here
      }
      opened();
      await early;
      store = db;
      s.mode = store ? "indexeddb" : "memory";
      if (!store) return;
      let first: Promise<void> = Promise.resolve();
      const now = await presence.whenFlusher(() => {
        const tick = () => sweep().catch((e: unknown) => warn(`replay failed: ${String(e)}`));
        first = tick();
        if (!stopped) timers.push(setInterval(tick, SWEEP_MS));
      });
      // When another tab is the flusher it replays for the origin, so this page need not wait.
      if (now) await first;
    },
    stop() {
      stopped = true;
      globalThis.removeEventListener?.("online", retryParked);
      for (const t of timers) clearInterval(t);
      parked = [];
    },
    stats: () => ({ ...s, notPersisted: { ...s.notPersisted } }),
  };
}
