import type { QueuedEvent, StoredEvent } from "@inferlog/core";

/** One record per event: replay keeps ids, and a delete never rewrites a whole queue. */
interface EventRecord extends StoredEvent {
  bytes: number;
  /** The page instance that logged (or last claimed) the event. */
  owner: string;
  at: number;
}

/** Why an event could not be persisted (it is still sent while the page lives). */
export type PersistDrop = "storage_quota" | "storage_error";

export interface IdbStoreOptions {
  dbName: string;
  /** The SDK's own ceiling, so it can never fill the origin's quota and starve the host app. */
  maxBytes: number;
  owner: string;
  onDrop: (reason: PersistDrop, ids: readonly string[]) => void;
}

export interface IdbStore {
  put(events: readonly QueuedEvent[]): void;
  remove(events: readonly QueuedEvent[]): void;
  /** Takes over events whose owner is gone, so this page replays them. */
  claim(isGone: (owner: string, at: number) => boolean): Promise<StoredEvent[]>;
}

const EVENTS = "events";
const META = "meta";
const TOTAL = "bytes";

/** Settles with an IndexedDB request (`onsuccess`; an open refuses when `blocked`) or transaction (`oncomplete`). */
const done = <T>(r: IDBRequest<T> | IDBTransaction): Promise<T> =>
  new Promise((resolve, reject) => {
    const x = r as IDBOpenDBRequest & IDBTransaction;
    x.onsuccess = x.oncomplete = () => resolve(x.result as T);
    x.onabort = x.onerror = () => reject(x.error);
    x.onblocked = reject;
  });

/** Opens the SDK's own database; undefined where IndexedDB is missing or refused (some private modes). */
export async function openIdbStore(o: IdbStoreOptions): Promise<IdbStore | undefined> {
  let db: IDBDatabase;
  try {
    const req = indexedDB.open(o.dbName, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(EVENTS, { keyPath: "id" });
      req.result.createObjectStore(META);
    };
    db = await done(req);
  } catch {
    return undefined;
  }
  /** Bytes of the records this page wrote or claimed, by id: deletes subtract only what was stored. */
  const mine = new Map<string, number>();
  let puts: QueuedEvent[] = [];
  let removes: QueuedEvent[] = [];
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();

  // The byte total lives in the database and changes inside each write transaction, so tabs agree on it.
  async function write(add: QueuedEvent[], del: QueuedEvent[]): Promise<void> {
    const tx = db.transaction([EVENTS, META], "readwrite");
    const events = tx.objectStore(EVENTS);
    const meta = tx.objectStore(META);
    const stored: QueuedEvent[] = [];
    const refused: string[] = [];
    const get = meta.get(TOTAL);
    get.onsuccess = () => {
      let total = typeof get.result === "number" ? get.result : 0;
      for (const e of del) {
        const b = mine.get(e.id);
        if (b === undefined) continue;
        mine.delete(e.id);
        total -= b;
        events.delete(e.id);
      }
      for (const e of add) {
        if (total + e.bytes > o.maxBytes) refused.push(e.id);
        else {
          total += e.bytes;
          stored.push(e);
          mine.set(e.id, e.bytes);
          events.put({ ...e, owner: o.owner, at: Date.now() } satisfies EventRecord);
        }
      }
      meta.put(Math.max(0, total), TOTAL);
    };
    try {
      await done(tx);
    } catch (err) {
      // The whole transaction rolled back: nothing of it is stored, deletes included (retried next time).
      for (const e of stored) mine.delete(e.id);
      refused.length = 0;
      if (add[0])
        o.onDrop(
          (err as Error | null)?.name === "QuotaExceededError" ? "storage_quota" : "storage_error",
          add.map((e) => e.id),
        );
      for (const e of del) if (!mine.has(e.id)) removes.push(e);
    }
    if (refused[0]) o.onDrop("storage_quota", refused);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // One transaction per task turn: page-close logging lands in a single write.
    queueMicrotask(() => {
      scheduled = false;
      const add = puts;
      const del = removes;
      puts = [];
      removes = [];
      if (add[0] || del[0]) chain = chain.then(() => write(add, del)).catch(() => undefined);
    });
  }

  return {
    put(events) {
      puts.push(...events);
      schedule();
    },
    remove(events) {
      // An event settled before its write ran: skip the write instead of adding then deleting it.
      const pending = new Set(puts.map((e) => e.id));
      const gone = new Set(events.map((e) => e.id));
      puts = puts.filter((e) => !gone.has(e.id));
      for (const e of events) if (!pending.has(e.id)) removes.push(e);
      schedule();
    },
    async claim(isGone) {
      const claimed: StoredEvent[] = [];
      try {
        const tx = db.transaction([EVENTS], "readwrite");
        const cursor = tx.objectStore(EVENTS).openCursor();
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (!c) return;
          const r = c.value as EventRecord;
          if (r.owner !== o.owner && isGone(r.owner, r.at)) {
            c.update({ ...r, owner: o.owner });
            mine.set(r.id, r.bytes);
            claimed.push(r);
          }
          c.continue();
        };
        await done(tx);
      } catch {
        for (const e of claimed) mine.delete(e.id);
        return [];
      }
      return claimed;
    },
  };
}
