/**
 * The SDK's own database (version 2): `batches` holds one record per write, keyed by `key`, with the
 * events queued in one task (or one chunk of a burst). One record per write instead of one per event
 * costs a tenth of the main-thread time and commits in a fraction of the wall time, which is what
 * decides how much a page closing right after a burst keeps. A record goes once all its events settle;
 * a page that closes with part of a record delivered replays that part again (same ids, deduplicated
 * by the collector). Version 1 (one record per event and a byte total in `meta`) is dropped at upgrade.
 */
export interface BatchRecord {
  key: string;
  /** [id, type, json] per event. */
  events: [string, string, string][];
  /** UTF-8 bytes of the events' JSON. */
  bytes: number;
  /** The page instance that wrote (or last claimed) the record. */
  owner: string;
  at: number;
}

export const STORE = "batches";

/** Why an event could not be persisted (it is still sent while the page lives). */
export type PersistDrop = "storage_quota" | "storage_error";

/** Longest wait for `indexedDB.open` (Safari has been known to never answer); then memory mode. */
export const OPEN_TIMEOUT_MS = 3_000;

/** Settles with an IndexedDB request (`onsuccess`; an open refuses when `blocked`) or transaction (`oncomplete`). */
export const done = <T>(row: IDBRequest<T> | IDBTransaction): Promise<T> =>
  new Promise((resolve, reject) => {
    const item = row as IDBOpenDBRequest & IDBTransaction;
    item.onsuccess = item.oncomplete = () => resolve(item.result as T);
    item.onabort = item.onerror = () => reject(item.error);
    item.onblocked = reject;
  });

/**
 * Runs `work` on the batches store in one read-write transaction, asks for the commit at once (the page
 * may be about to close) and settles when it commits; a transaction that cannot start rejects too.
 */
async function writeBatches(db: IDBDatabase, work: (store: IDBObjectStore) => void): Promise<void> {
  const tx = db.transaction(STORE, "readwrite");
  work(tx.objectStore(STORE));
  tx.commit?.();
  await done(tx);
}

/** The batches store of the open database: every read and write the persistence makes. */
export interface IdbStore {
  /** Every record. */
  _readAll(): Promise<BatchRecord[]>;
  /** Stores one record: a write of this page, or a closed page's spill moved in. */
  _put(record: BatchRecord): Promise<void>;
  /** Deletes the records at `keys`, blindly (no read first). */
  _delete(keys: readonly string[]): Promise<void>;
  /** Takes `records` (a closed page's) over for `owner`, all in one transaction. */
  _claim(records: readonly BatchRecord[], owner: string): Promise<void>;
}

const idbStore = (db: IDBDatabase): IdbStore => ({
  _readAll: () => done(db.transaction(STORE).objectStore(STORE).getAll()),
  _put: (record) => writeBatches(db, (store) => store.put(record)),
  _delete: (keys) =>
    writeBatches(db, (store) => {
      for (const key of keys) store.delete(key);
    }),
  _claim: (records, owner) =>
    writeBatches(db, (store) => {
      for (const batchRecord of records) store.put({ ...batchRecord, owner });
    }),
});

/**
 * Opens the SDK's own database: `store` is undefined where IndexedDB is missing or refused (some private
 * modes); `_timedOut` says the open did not answer within `timeoutMs` (a database that opens later is
 * closed at once). `onClosed` is called if the open connection closes later (see below).
 */
export function openIdbStore(
  name: string,
  timeoutMs: number,
  onClosed: () => void,
): Promise<{ store?: IdbStore; _timedOut?: true }> {
  return new Promise((resolve) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      resolve({ _timedOut: true });
    }, timeoutMs);
    const settle = (db?: IDBDatabase) => {
      clearTimeout(timer);
      // Too late: the client already runs in memory; let other pages have the database.
      if (late) db?.close();
      else if (db) {
        // Closed under the page (site data cleared), or asked to close (the app deleting the database,
        // a newer version upgrading it): it is let go at once, so neither waits on this page for good.
        db.onclose = db.onversionchange = () => {
          db.close();
          onClosed();
        };
        resolve({ store: idbStore(db) });
      } else resolve({});
    };
    try {
      const req = indexedDB.open(name, 2);
      req.onupgradeneeded = (event) => {
        if (event.oldVersion === 1) for (const old of ["events", "meta"]) req.result.deleteObjectStore(old);
        req.result.createObjectStore(STORE, { keyPath: "key" });
      };
      done(req).then(settle, () => settle());
    } catch {
      settle(); // no IndexedDB here
    }
  });
}
