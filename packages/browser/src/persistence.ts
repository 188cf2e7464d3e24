import type { Client, DropReason, QueuedEvent, StoredEvent } from "@inferlog/core";
import { done, type EventRecord, openDb, type PersistDrop } from "./idb-store.js";
import { DEFAULT_DB_NAME, DEFAULT_MAX_STORAGE_BYTES, type PersistenceOptions } from "./options.js";
import { createTabPresence } from "./tab-presence.js";

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

/**
 * Write-ahead persistence: each event is written to IndexedDB when queued and deleted when settled, so
 * what a page leaves unsent is replayed (same ids) by the origin's flusher page, now or at the next load.
 */
export function createPersistence(o: PersistenceOptions, warn: (message: string) => void): Persistence {
  const dbName = o.dbName ?? DEFAULT_DB_NAME;
  /** The SDK's own ceiling, so it can never fill the origin's quota and starve the host app. */
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_STORAGE_BYTES;
  const presence = createTabPresence(dbName);
  // Opened once this page's own lock is held, so no tab can take what it writes for a closed page's.
  const db = presence.ready.then(() => openDb(dbName));
  const s: StorageStats = {
    mode: "starting",
    persisted: 0,
    restored: 0,
    notPersisted: { storage_quota: 0, storage_error: 0 },
  };
  let parked: StoredEvent[] = [];
  /** Set by `start`, before any timer or listener that uses it. */
  let client: Client;
  let reportedQuota = false;
  let stopped = false;
  const timers: ReturnType<typeof setInterval>[] = [];
  /** Writes not yet begun; those made before the database is open wait for it on `chain`. */
  let puts: QueuedEvent[] = [];
  let removes: QueuedEvent[] = [];
  let scheduled = false;
  let chain: Promise<unknown> = db;

  // The byte total lives in the database and changes inside each write transaction, so tabs agree on it.
  async function write(): Promise<void> {
    // Takes everything queued since the last write began.
    scheduled = false;
    const add = puts;
    const del = removes;
    puts = [];
    removes = [];
    let refused: string[] = [];
    /** Refused for lack of room (the SDK's cap, or the browser's quota); otherwise a storage error. */
    let quota = true;
    try {
      // Without a database (memory mode) this throws: events written before that was known count as
      // `storage_error`, like those of any failed write.
      const tx = (await db)!.transaction(["events", "meta"], "readwrite");
      const events = tx.objectStore("events");
      const meta = tx.objectStore("meta");
      const get = meta.get("bytes");
      let total = 0;
      /** Reads of deleted records still to come: the total is written after the last one. */
      let reads = del.length;
      const save = () => reads-- || meta.put(Math.max(0, total), "bytes");
      get.onsuccess = () => {
        total = +get.result || 0;
        for (const e of add)
          if (total + e.bytes > maxBytes) refused.push(e.id);
          else {
            total += e.bytes;
            events.put({ ...e, owner: presence.owner, at: Date.now() } satisfies EventRecord);
          }
        // Deletes after puts, each subtracting what is stored: an event settled before its write ran is
        // added and deleted here (the total unchanged); one refused or never written subtracts nothing.
        for (const e of del) {
          const r = events.get(e.id);
          r.onsuccess = () => {
            if (r.result) {
              total -= (r.result as EventRecord).bytes;
              events.delete(e.id);
            }
            save();
          };
        }
        save();
      };
      await done(tx);
    } catch (err) {
      // The whole transaction rolled back: none of its puts is stored, and its deletes wait for the next write.
      removes.push(...del);
      refused = add.map((e) => e.id);
      quota = (err as Error | null)?.name === "QuotaExceededError";
    }
    if (!refused[0]) return;
    s.notPersisted[quota ? "storage_quota" : "storage_error"] += refused.length;
    s.persisted -= refused.length;
    if (quota && !reportedQuota) {
      reportedQuota = true;
      warn(`storage for unsent events is full; ${refused.length} event(s) kept in memory only`);
    }
  }

  function schedule(list: QueuedEvent[], events: readonly QueuedEvent[]): void {
    // In memory mode there is nothing to write.
    if (s.mode === "memory") return;
    list.push(...events);
    // One transaction per task turn at most (page-close logging lands in a single write); while one runs,
    // what comes in waits for the next.
    if (!scheduled) chain = chain.then(write).catch(() => undefined);
    scheduled = true;
  }

  /** Gives events parked after a failed delivery another go (the network came back, or a while passed). */
  const retryParked = () => parked[0] && client.restore(parked.splice(0));

  /** Takes over the events whose page is gone, and replays them. */
  async function sweep(): Promise<void> {
    const isGone = await presence.snapshot();
    const claimed: EventRecord[] = [];
    try {
      const events = (await db)!.transaction("events", "readwrite").objectStore("events");
      const all = events.getAll();
      all.onsuccess = () => {
        for (const r of all.result as EventRecord[])
          if (isGone(r.owner, r.at)) {
            r.owner = presence.owner;
            events.put(r);
            claimed.push(r);
          }
      };
      await done(events.transaction);
    } catch {
      return; // nothing was taken over
    }
    s.restored += claimed.length;
    if (claimed[0]) client.restore(claimed);
  }

  return {
    onEnqueued(events) {
      // Counted when the write is queued; a write that fails takes its events back out.
      if (s.mode !== "memory") s.persisted += events.length;
      schedule(puts, events);
    },
    onSettled(events, outcome) {
      // After these the event stays on disk: it was not delivered and may be next time. In memory, at most
      // 5000 are parked; beyond that they wait on disk for the next load.
      if (outcome !== "retries_exhausted" && outcome !== "shutdown_timeout") schedule(removes, events);
      else if (!stopped && parked.length < 5_000) parked.push(...events);
    },
    async start(c) {
      client = c;
      // Parked events go again every 60 s as well as on `online` (which may never fire).
      timers.push(setInterval(retryParked, 60_000));
      globalThis.addEventListener?.("online", retryParked); // absent when rendered on a server
      if (!(await db)) {
        s.mode = "memory";
        return;
      }
      s.mode = "indexeddb";
      const tick = () => sweep().catch((e: unknown) => warn(`replay failed: ${String(e)}`));
      // The flusher looks for events that closed pages left behind every 10 s. When another tab is the
      // flusher it replays for the origin, so this page need not wait.
      await presence.whenFlusher(() => {
        if (!stopped) timers.push(setInterval(tick, 10_000));
        return tick();
      });
    },
    stop() {
      stopped = true;
      globalThis.removeEventListener?.("online", retryParked);
      timers.forEach(clearInterval);
      parked = [];
    },
    stats: () => ({ ...s, notPersisted: { ...s.notPersisted } }),
  };
}
