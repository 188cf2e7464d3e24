import type { QueuedEvent } from "./event-queue.js";

/**
 * A backlog's JSON, kept where the garbage collector does not copy it.
 *
 * V8 copies every young object that survives a scavenge, in a pause on the app's thread. A queue that
 * backs up (an outage, or logging faster than the uploads drain) keeps each event's JSON string alive,
 * so every scavenge copied all the JSON queued since the one before: pauses of 3-12 ms inside a
 * logging call (issue 20). A string over 128 KiB is allocated in V8's large-object space instead,
 * which a scavenge promotes by handing over its memory page, never by copying. So once a priority
 * level holds `JOIN_AT_CHARS` of JSON not yet joined, those events' strings become one such string
 * and each event keeps a slice of it (a 32-byte view). The slices read as ordinary strings: no
 * consumer of `QueuedEvent.json` changes.
 *
 * The price: a joined string lives until the last event sliced from it is sent, so a level can hold
 * up to `JOIN_AT_CHARS` of already sent JSON beyond the queue's byte bound. Queues smaller than
 * `JOIN_MIN_QUEUE_BYTES` never join, so that slack stays under a quarter of the bound.
 */
export const JOIN_AT_CHARS = 160 * 1024;
/** Below this `maxQueueBytes`, events keep their own strings (four levels' slack would weigh too much). */
export const JOIN_MIN_QUEUE_BYTES = 32 * JOIN_AT_CHARS;

/** Joins the JSON of `events[from..to)` into one string and points each event at its slice. */
export function joinJson(events: QueuedEvent[], from: number, to: number): void {
  const parts: string[] = [];
  for (let index = from; index < to; index++) parts.push((events[index] as QueuedEvent).json);
  const joined = parts.join("");
  let start = 0;
  for (let index = from; index < to; index++) {
    const event = events[index] as QueuedEvent;
    const end = start + event.json.length;
    event.json = joined.slice(start, end);
    start = end;
  }
}
