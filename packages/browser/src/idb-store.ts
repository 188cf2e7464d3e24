import type { StoredEvent } from "@inferlog/core";

/**
 * The SDK's own database (version 1): `events` holds one record per event, keyed by id (replay keeps
 * ids, and a delete never rewrites a whole queue); `meta` holds, under `bytes`, the total size of those
 * records. The total changes inside each write transaction, so tabs agree on it.
 */
export interface EventRecord extends StoredEvent {
  bytes: number;
  /** The page instance that logged (or last claimed) the event. */
  owner: string;
  at: number;
}

/** Why an event could not be persisted (it is still sent while the page lives). */
export type PersistDrop = "storage_quota" | "storage_error";

/** Settles with an IndexedDB request (`onsuccess`; an open refuses when `blocked`) or transaction (`oncomplete`). */
export const done = <T>(r: IDBRequest<T> | IDBTransaction): Promise<T> =>
  new Promise((resolve, reject) => {
    const x = r as IDBOpenDBRequest & IDBTransaction;
    x.onsuccess = x.oncomplete = () => resolve(x.result as T);
    x.onabort = x.onerror = () => reject(x.error);
    x.onblocked = reject;
  });

/** Opens the SDK's own database; undefined where IndexedDB is missing or refused (some private modes). */
export async function openDb(name: string): Promise<IDBDatabase | undefined> {
  try {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("events", { keyPath: "id" });
      req.result.createObjectStore("meta");
    };
    return await done(req);
  } catch {
    // no IndexedDB here
  }
}
