import type { QueuedEvent } from "./event-queue.js";
import { nextTask } from "./runtime.js";

/**
 * A backlog's JSON, kept where the garbage collector does not copy it.
 *
 * V8 copies every young object that survives a scavenge, in a pause on the app's thread. A queue that
 * backs up (an outage, or logging faster than the uploads drain) keeps each event's JSON string alive,
 * so every scavenge copied all the JSON queued since the one before: pauses of several milliseconds
 * inside a logging call (issue 20). A string over 128 KiB is allocated in V8's large-object space
 * instead, which a scavenge promotes by handing over its memory page, never by copying. So once the
 * events queued at one priority level since its last join hold `JOIN_AT_CHARS` of JSON, and the queue
 * holds at least that many events (a backlog, not steady delivery), their strings become one such
 * string on the next task (a join copies its 160 K characters: about 0.3 ms on a small VM, too long
 * for a logging call) and each event keeps a slice of it (a 32-byte view). The slices read as ordinary strings: no
 * consumer of `QueuedEvent.json` changes.
 *
 * Why per level: the queue sends and evicts the events of one level oldest first, so a joined string is
 * released once its newest event leaves, and each level holds at most one joined string part sent:
 * up to `JOIN_AT_CHARS` of already sent JSON beyond the queue's byte bound. Queues smaller than
 * `JOIN_MIN_QUEUE_BYTES` never join, so that slack stays under a quarter of the bound. A join may take
 * in events sent meanwhile; their slices are as correct, and the join only did some copying for them.
 *
 * The Node adapter joins, told of each queued event by the client's `onEnqueued` hook. Core's client
 * and the browser's do not: the browser's bundle has a byte budget and a tab seldom queues that much.
 */
export const JOIN_AT_CHARS = 160 * 1024;
/** Below this `maxQueueBytes`, events keep their own strings (four levels' slack would weigh too much). */
export const JOIN_MIN_QUEUE_BYTES = 32 * JOIN_AT_CHARS;

/** Told of the events the queue accepted (the client's `onEnqueued` hook). */
export interface JsonJoiner {
  add(events: readonly QueuedEvent[]): void;
}

/**
 * The joiner for a queue bounded at `maxQueueBytes`, or undefined when it is too small to join.
 * `queued()` says how many events wait now (the client's `stats().queued`); it is asked once per
 * `JOIN_AT_CHARS` of JSON. `join` is `joinJson` unless a test watches the joins.
 */
export function jsonJoiner(maxQueueBytes: number, queued: () => number, join = joinJson): JsonJoiner | undefined {
  if (maxQueueBytes < JOIN_MIN_QUEUE_BYTES) return undefined;
  // Per priority level: the events accepted since its last join, and their JSON's length.
  const levels = [0, 1, 2, 3].map(() => ({ events: [] as QueuedEvent[], chars: 0 }));
  // Runs of events to join on the next task: a join copies its 160 K characters (0.3 ms here), too long for a logging call.
  let due: QueuedEvent[][] = [];
  const joinDue = () => {
    const runs = due;
    due = [];
    try {
      for (const events of runs) join(events);
    } catch {
      // Never into the host app from a background task: events not joined keep their own strings, which are as correct.
    }
  };
  return {
    add(events) {
      for (const event of events) {
        const level = levels[event.priority] as (typeof levels)[number];
        level.events.push(event);
        level.chars += event.json.length;
        if (level.chars < JOIN_AT_CHARS) continue;
        // Fewer events waiting than these: most of them were sent already (steady delivery), no join.
        if (queued() >= level.events.length) {
          due.push(level.events);
          if (due.length === 1) nextTask(joinDue);
        }
        level.events = [];
        level.chars = 0;
      }
    },
  };
}

/** Joins the events' JSON into one string and points each event at its slice. */
export function joinJson(events: readonly QueuedEvent[]): void {
  const joined = events.map((event) => event.json).join("");
  let start = 0;
  for (const event of events) {
    const end = start + event.json.length;
    event.json = joined.slice(start, end);
    start = end;
  }
}
