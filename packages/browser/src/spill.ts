import type { StoredEvent } from "@inferlog/core";

/**
 * The synchronous fallback at `pagehide` (as Segment's analytics.js does): events that neither a
 * committed IndexedDB write nor the page-close request holds go to one `localStorage` key per page,
 * and the origin's flusher moves them to IndexedDB at the next visit. `localStorage` is shared with
 * the host app and small (about 5 M characters per origin), so a spill is bounded.
 */
export const MAX_SPILL_CHARS = 1_000_000;

export interface Spill {
  at: number;
  events: [string, string, string][];
}

const keyPrefix = (dbName: string) => `${dbName}:spill:`;

/**
 * Writes `events` (most valuable first) under this page's key, as many as fit MAX_SPILL_CHARS, and
 * returns how many did not fit (or all of them when `localStorage` refuses the write).
 */
export function writeSpill(dbName: string, owner: string, events: readonly StoredEvent[]): number {
  const kept: [string, string, string][] = [];
  let chars = 0;
  for (const event of events) {
    chars += event.json.length + event.id.length + 20;
    if (chars > MAX_SPILL_CHARS) break;
    kept.push([event.id, event.type, event.json]);
  }
  try {
    if (kept[0]) localStorage.setItem(keyPrefix(dbName) + owner, JSON.stringify({ at: Date.now(), events: kept }));
    return events.length - kept.length;
  } catch {
    return events.length;
  }
}

/** Forgets this page's spill: the page came back from the back/forward cache and still holds its events. */
export function clearSpill(dbName: string, owner: string): void {
  try {
    localStorage.removeItem(keyPrefix(dbName) + owner);
  } catch {
    // no localStorage here
  }
}

/** Other pages' spills: [owner, spill] per key (unreadable ones are removed). */
export function readSpills(dbName: string): [string, Spill][] {
  const found: [string, Spill][] = [];
  try {
    const prefix = keyPrefix(dbName);
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index);
      if (!key?.startsWith(prefix)) continue;
      try {
        found.push([key.slice(prefix.length), JSON.parse(localStorage.getItem(key) as string) as Spill]);
      } catch {
        localStorage.removeItem(key);
      }
    }
  } catch {
    // no localStorage here
  }
  return found;
}
