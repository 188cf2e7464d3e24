import type { Client, DropReason, EventType, QueuedEvent, StoredEvent } from "@inferlog/core";
import { keepsStored, utf8Length } from "@inferlog/core/lite";
import { type BatchRecord, type IdbStore, OPEN_TIMEOUT_MS, openIdbStore, type PersistDrop } from "./idb-store.js";
import { DEFAULT_DB_NAME, DEFAULT_MAX_STORAGE_BYTES, type PersistenceOptions } from "./options.js";
import {
  BATCH_BYTES,
  BATCH_EVENTS,
  DELETE_RETRY_MS,
  MAX_PARKED,
  PARKED_RETRY_MS,
  PENDING_SLACK,
  SWEEP_MS,
  TASK_BUDGET_MS,
} from "./persistence-constants.js";
import { clearSpill, readSpills, writeSpill } from "./spill.js";
import { createTabPresence } from "./tab-presence.js";

export interface StorageStats {
  /** `indexeddb`, or `memory` where IndexedDB is missing, refused (some private modes) or did not open in time. */
  mode: "indexeddb" | "memory" | "starting";
  /** Events this page wrote to IndexedDB (committed writes only). */
  persisted: number;
  /** Events replayed from earlier pages or other tabs. */
  restored: number;
  /**
   * Events that could not be stored, by reason (they are still sent while the page lives): the byte
   * cap or the browser's quota, a failed write, and at page hide those beyond the spill's bound.
   */
  notPersisted: Record<PersistDrop, number>;
}

export interface Persistence {
  _onEnqueued(events: readonly QueuedEvent[]): void;
  _onSettled(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void;
  /** True once a committed IndexedDB write holds the event (the page-close request takes others first). */
  _isPersisted(event: QueuedEvent): boolean;
  /** Starts replay into `client`; resolves once earlier pages' events are back in its queue. */
  _start(client: Client): Promise<void>;
  /** The page is hidden and may never come back: what no committed write holds goes to `localStorage`. */
  _hide(): void;
  /** The page is shown again: its spill is forgotten (it still holds those events). */
  _show(): void;
  /** Stops the timers and the `online` listener (after `shutdown`). */
  _stop(): void;
  _stats(): StorageStats;
}

/** An event held for the spill; `priority` orders it (replayed ones have none). */
type Held = StoredEvent & { priority?: number };

/** One record on disk, as this page knows it. */
interface Batch {
  key: string;
  /**
   * Its events, kept after the write commits (the same objects core queues, at most the byte cap):
   * the spill needs them before the commit, and memory again if the connection is lost.
   */
  events: Held[];
  bytes: number;
  /** Events of the record not yet settled; at 0 (and committed) the record goes. */
  _left: number;
  _committed: boolean;
}

const toRecordEvents = (events: readonly { id: string; type: string; json: string }[]) =>
  events.map((event): [string, string, string] => [event.id, event.type, event.json]);

/**
 * Write-ahead persistence: the events queued in a task are written to IndexedDB in small batches that
 * start in that task (a microtask after it), deleted once settled, and replayed (same ids) by the
 * origin's flusher page, now or at the next load. At page hide, what no committed write holds goes to
 * a bounded `localStorage` spill, moved to IndexedDB at the next visit.
 */
export function createPersistence(options: PersistenceOptions, warn: (message: string) => void): Persistence {
  const dbName = options.dbName ?? DEFAULT_DB_NAME;
  /** The SDK's own ceiling, so it can never fill the origin's quota and starve the host app. */
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STORAGE_BYTES;
  const presence = createTabPresence(dbName);
  const { _owner: owner } = presence;
  // Opened once this page's own lock is held, so no tab can take what it writes for a closed page's.
  const opened = presence._ready.then(() => openIdbStore(dbName, OPEN_TIMEOUT_MS, lost));
  const storageStats: StorageStats = {
    mode: "starting",
    persisted: 0,
    restored: 0,
    notPersisted: { storage_quota: 0, storage_error: 0 },
  };
  let store: IdbStore | undefined;
  /** Unsettled events this page queued or restored: their record, or null while not yet written. */
  const slot = new Map<string, Batch | null>();
  /**
   * Unsettled events not in IndexedDB: refused (the cap, the quota, a failed write), or all of them in
   * memory mode. The spill takes them at hide.
   */
  const unstored = new Map<string, Held>();
  /** Writes started and not yet committed. */
  const writing = new Set<Batch>();
  /** Events waiting for a write (some may have settled meanwhile: skipped). */
  let pending: QueuedEvent[] = [];
  /** Records to delete; kept for the next try when a delete fails. */
  const deletes: string[] = [];
  /** Bytes on disk as this page knows them: read once at open, then its own writes and deletes. */
  let stored = 0;
  let written = 0;
  let scheduled = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let parked: QueuedEvent[] = [];
  /** Records this page already replayed (a claim that failed is not replayed twice). */
  const replayed = new Set<string>();
  /** Set by `start`, before any timer or listener that uses it. */
  let client: Client;
  let reportedQuota = false;
  let stopped = false;
  const timers: ReturnType<typeof setInterval>[] = [];

  function refused(count: number, reason: PersistDrop): void {
    storageStats.notPersisted[reason] += count;
    if (reason === "storage_quota" && !reportedQuota) {
      reportedQuota = true;
      warn(`storage for unsent events is full; ${count} event(s) kept in memory only`);
    }
  }

  const reasonOf = (err: unknown): PersistDrop =>
    (err as Error | null)?.name === "QuotaExceededError" ? "storage_quota" : "storage_error";

  /** Events waiting for their first write. */
  const waiting = () => pending.filter((event) => slot.get(event.id) === null);
  /** The events of `batch` not settled yet. */
  const unsettled = (batch: Batch) => batch.events.filter((event) => slot.get(event.id) === batch);

  /**
   * IndexedDB is not there for this page (it did not open, or its connection closed): what it held or
   * was about to hold is kept in memory from now on, for delivery and the spill, and counted as not
   * persisted. Writes still in flight are forgotten: what they hold is in memory now.
   */
  function toMemory(): void {
    const held: Held[] = waiting();
    for (const batch of new Set(slot.values())) if (batch) held.push(...unsettled(batch));
    for (const event of held) unstored.set(event.id, event);
    if (held[0]) refused(held.length, "storage_error");
    store = undefined;
    storageStats.mode = "memory";
    pending = [];
    slot.clear();
    writing.clear();
  }

  /**
   * The connection closed under the page: site data cleared, or the app (or a newer version of the
   * SDK) deleting or upgrading the database. Nothing this page wrote can be trusted to be there.
   */
  function lost(): void {
    if (storageStats.mode === "memory") return;
    warn("IndexedDB was closed (site data cleared, or the database deleted); unsent events are kept in memory only");
    toMemory();
  }

  /**
   * Starts the next write now (a microtask: still the task that queued the events) or in a later task.
   * While a write is in flight, what comes in waits for it to commit and then goes in one write: events
   * logged one per task cost one transaction per commit, not one per task.
   */
  function schedule(now?: boolean): void {
    if (scheduled || !store || writing.size) return;
    scheduled = true;
    if (now) queueMicrotask(write);
    else setTimeout(write, 0);
  }

  function write(): void {
    scheduled = false;
    if (!store) return; // the connection was lost after this write was scheduled
    const began = Date.now();
    if (deletes[0]) remove(deletes.splice(0));
    while (pending[0] && Date.now() - began < TASK_BUDGET_MS) {
      const batch: QueuedEvent[] = [];
      let bytes = 0;
      let over = 0;
      let index = 0;
      for (; index < pending.length && batch.length < BATCH_EVENTS && bytes < BATCH_BYTES; index++) {
        const event = pending[index] as QueuedEvent;
        if (slot.get(event.id) !== null) continue; // settled before it was written
        if (stored + bytes + event.bytes > maxBytes) {
          slot.delete(event.id);
          unstored.set(event.id, event);
          over++;
        } else {
          batch.push(event);
          bytes += event.bytes;
        }
      }
      pending = pending.slice(index);
      if (over) refused(over, "storage_quota");
      if (batch[0]) put(batch, bytes);
    }
    if (pending[0]) schedule();
  }

  function put(events: QueuedEvent[], bytes: number): void {
    const batch: Batch = { key: `${owner}:${++written}`, events, bytes, _left: events.length, _committed: false };
    for (const event of events) slot.set(event.id, batch);
    stored += bytes;
    writing.add(batch);
    /**
     * Out of flight: once none is, what waited goes in the next write. False when the connection was
     * lost meanwhile: the events are in memory already, whatever this write's outcome.
     */
    const settled = () => {
      if (!writing.delete(batch)) return false;
      schedule(true);
      return true;
    };
    const failed = (err: unknown) => {
      if (!settled()) return;
      stored -= bytes;
      for (const event of events)
        if (slot.get(event.id) === batch) {
          slot.delete(event.id);
          unstored.set(event.id, event);
        }
      refused(events.length, reasonOf(err));
    };
    const record: BatchRecord = { key: batch.key, events: toRecordEvents(events), bytes, owner, at: Date.now() };
    (store as IdbStore)._put(record).then(() => {
      if (!settled()) return;
      batch._committed = true;
      storageStats.persisted += events.length;
      if (!batch._left) forget(batch);
    }, failed);
  }

  /** The record's events all settled: it goes (blindly, by key; no read first). */
  function forget(batch: Batch): void {
    stored -= batch.bytes;
    deletes.push(batch.key);
    schedule(true);
  }

  function remove(keys: string[]): void {
    const retry = () => {
      deletes.push(...keys);
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined;
        schedule();
      }, DELETE_RETRY_MS);
    };
    (store as IdbStore)._delete(keys).catch(retry);
  }

  /** Queues a record's events in the client; they are this page's to delete once settled. */
  function replay(record: Pick<BatchRecord, "key" | "events" | "bytes">): void {
    if (replayed.has(record.key)) return;
    replayed.add(record.key);
    const events: StoredEvent[] = [];
    const batch: Batch = { key: record.key, events, bytes: record.bytes, _left: 0, _committed: true };
    for (const [id, type, json] of record.events)
      if (!slot.has(id)) {
        slot.set(id, batch);
        batch._left++;
        events.push({ id, type: type as EventType, json });
      }
    storageStats.restored += events.length;
    // Without a database they are held in memory only, and spilled again if this page goes too.
    if (!store) for (const entry of events) unstored.set(entry.id, entry);
    if (events[0]) client.restore(events);
    else forget(batch);
  }

  /** Gives events parked after a failed delivery another go (the network came back, or a while passed). */
  const retryParked = () => parked[0] && client.restore(parked.splice(0));

  /** Takes over the records and spills whose page is gone, and replays them. */
  async function sweep(): Promise<void> {
    const isGone = await presence._snapshot();
    // Spills first: written to IndexedDB as this page's, then taken out of localStorage.
    for (const [from, spill] of readSpills(dbName))
      if (isGone(from, spill.at)) {
        const key = `${from}:spill`;
        const bytes = spill.events.reduce((total, [, , json]) => total + utf8Length(json), 0);
        const record: BatchRecord = { key, events: spill.events, bytes, owner, at: Date.now() };
        if (store) {
          try {
            await store._put(record);
            stored += bytes;
            clearSpill(dbName, from);
          } catch (err) {
            warn(`could not move a closed page's events from localStorage to IndexedDB (${reasonOf(err)})`);
          }
        } else clearSpill(dbName, from);
        replay(record);
      }
    if (!store) return;
    const gone = (await store._readAll()).filter(
      (batchRecord) => isGone(batchRecord.owner, batchRecord.at) && !replayed.has(batchRecord.key),
    );
    if (!gone[0]) return;
    try {
      await store._claim(gone, owner);
    } catch (err) {
      // Replayed all the same: left under the closed page's name, they may be sent again (deduplicated).
      warn(`could not take over a closed page's events (${reasonOf(err)}); sending them anyway`);
    }
    for (const batchRecord of gone) replay(batchRecord);
  }

  return {
    _onEnqueued(events) {
      if (storageStats.mode === "memory") {
        for (const event of events) unstored.set(event.id, event);
        return;
      }
      for (const event of events) {
        slot.set(event.id, null);
        pending.push(event);
      }
      schedule(true);
    },
    _onSettled(events, outcome) {
      // After these the event stays on disk: it was not delivered and may be next time.
      if (keepsStored(outcome)) {
        if (!stopped && parked.length < MAX_PARKED) parked.push(...events);
        return;
      }
      for (const event of events) {
        unstored.delete(event.id);
        const batch = slot.get(event.id);
        if (batch === undefined) continue;
        slot.delete(event.id);
        if (batch && !--batch._left && batch._committed) forget(batch);
      }
      // Settled events still waiting for a write go here too, so the list never outgrows the queue.
      if (pending.length > 2 * slot.size + PENDING_SLACK)
        pending = pending.filter((event) => slot.get(event.id) === null);
    },
    _isPersisted: (event) => !unstored.has(event.id) && !!slot.get(event.id)?._committed,
    async _start(count) {
      client = count;
      timers.push(setInterval(retryParked, PARKED_RETRY_MS));
      globalThis.addEventListener?.("online", retryParked); // absent when rendered on a server
      const { store: opening, _timedOut: timedOut } = await opened;
      if (!opening) {
        if (timedOut)
          warn(`IndexedDB did not open within ${OPEN_TIMEOUT_MS} ms; unsent events are kept in memory only`);
        // Events queued before that was known were never stored; from now on they are held for the spill.
        toMemory();
      } else {
        try {
          for (const batchRecord of await opening._readAll()) stored += batchRecord.bytes;
        } catch {
          // counted from this page's own writes only
        }
        // Unless the connection was lost meanwhile (`lost` has put the page in memory mode).
        if (storageStats.mode === "starting") {
          store = opening;
          storageStats.mode = "indexeddb";
          schedule(true);
        }
      }
      // Without a database the flusher still replays closed pages' spills, straight from localStorage.
      const tick = () => sweep().catch((entry: unknown) => warn(`replay failed: ${String(entry)}`));
      // When another tab is the flusher it replays for the origin, so this page need not wait.
      timers.push(setInterval(() => presence._flusher && !stopped && tick(), SWEEP_MS));
      await presence._whenFlusher(tick);
    },
    _hide() {
      const held = [...unstored.values(), ...waiting()];
      for (const batch of writing) held.push(...unsettled(batch));
      if (!held[0]) return clearSpill(dbName, owner);
      // Most valuable first, as the page-close request takes them.
      held.sort((left, right) => (right.priority ?? 0) - (left.priority ?? 0));
      const lost = writeSpill(dbName, owner, held);
      if (lost) refused(lost, "storage_quota");
    },
    _show: () => clearSpill(dbName, owner),
    _stop() {
      stopped = true;
      globalThis.removeEventListener?.("online", retryParked);
      timers.forEach(clearInterval);
      clearTimeout(retryTimer);
      parked = [];
    },
    _stats: () => ({ ...storageStats, notPersisted: { ...storageStats.notPersisted } }),
  };
}
