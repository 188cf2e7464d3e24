import { startSlices } from "../slices.js";
import { type Rows, toRows } from "./rows.js";
import type { IncomingEvent } from "./types.js";

/**
 * The rows of each distinct event id in a group (first occurrence wins), flattened in slices so a
 * large group does not hold the event loop; `fresh[i]` is false for a repeat of an earlier id.
 */
export async function flattenUnique(
  batch: readonly IncomingEvent[],
): Promise<{ unique: Map<string, Rows>; fresh: boolean[] }> {
  const unique = new Map<string, Rows>();
  const fresh = new Array<boolean>(batch.length);
  const slices = startSlices();
  for (let i = 0; i < batch.length; i++) {
    const incoming = batch[i] as IncomingEvent;
    fresh[i] = !unique.has(incoming.event.id);
    if (fresh[i]) unique.set(incoming.event.id, toRows(incoming));
    if (slices.due()) await slices.pause();
  }
  return { unique, fresh };
}
