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
 * events accepted at one priority level since its last join and still queued hold `JOIN_AT_CHARS` of JSON
 * (a backlog: in steady delivery they leave first), their strings become one such string on the next task
 * (a join copies its 160 K characters: about 0.3 ms on a small VM, too long for a logging call) and each
 * event keeps a slice of it (a 32-byte view). The slices read as ordinary strings: no consumer of
 * `QueuedEvent.json` changes.
 *
 * Why per level: the queue sends and evicts the events of one level oldest first, so a joined string is
 * released once its newest event leaves, and each level holds at most one joined string part sent:
 * up to `JOIN_AT_CHARS` of already sent JSON beyond the queue's byte bound. Queues smaller than
 * `JOIN_MIN_QUEUE_BYTES` never join, so that slack stays under a quarter of the bound. A join may take
 * in events sent meanwhile; their slices are as correct, and the join only did some copying for them.
 *
 * The Node adapter joins, told of each queued event by the client's `onEnqueued` hook and of each one that
 * left by `onSettled`. Core's client and the browser's do not: the browser's bundle has a byte budget and
 * a tab seldom queues that much.
 */
export const JOIN_AT_CHARS = 160 * 1024;
/**
 * How often a level lets go of the events it gathered that have left the queue: about every 25 events of
 * 800 characters. In steady delivery a level so holds little JSON that was sent already.
 */
const TRIM_EVERY_CHARS = JOIN_AT_CHARS / 8;
/** Below this `maxQueueBytes`, events keep their own strings (four levels' slack would weigh too much). */
export const JOIN_MIN_QUEUE_BYTES = 32 * JOIN_AT_CHARS;

/** Told of the events the queue accepted and of those that left it (the client's `onEnqueued` and `onSettled` hooks). */
export interface JsonJoiner {
  add(events: readonly QueuedEvent[]): void;
  /** Told of the events that left the queue, sent or dropped (the client's `onSettled` hook). */
  left(events: readonly QueuedEvent[]): void;
}

/** One priority level's events accepted since its last join, oldest first. */
interface Level {
  events: QueuedEvent[];
  /** Their JSON's length. */
  chars: number;
  /** How many of them have left the queue (sent or dropped): the oldest ones, as the queue sends a level oldest first. */
  gone: number;
  /** JSON added since the level last let go of its gone events. */
  sinceTrim: number;
}

/** Lets go of a level's events that left the queue. */
function trim(level: Level): void {
  if (level.gone === 0) return;
  for (const event of level.events.splice(0, level.gone)) level.chars -= event.json.length;
  level.gone = 0;
}

/**
 * The joiner for a queue bounded at `maxQueueBytes`, or undefined when it is too small to join.
 * `join` is `joinJson` unless a test watches the joins.
 */
export function jsonJoiner(maxQueueBytes: number, join = joinJson): JsonJoiner | undefined {
  if (maxQueueBytes < JOIN_MIN_QUEUE_BYTES) return undefined;
  const levels: Level[] = [0, 1, 2, 3].map(() => ({ events: [], chars: 0, gone: 0, sinceTrim: 0 }));
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
        const level = levels[event.priority] as Level;
        level.events.push(event);
        level.chars += event.json.length;
        level.sinceTrim += event.json.length;
        if (level.sinceTrim >= TRIM_EVERY_CHARS || level.chars >= JOIN_AT_CHARS) {
          level.sinceTrim = 0;
          trim(level);
        }
        // Only what is still queued counts: in steady delivery a level never gathers a join's worth.
        if (level.chars < JOIN_AT_CHARS) continue;
        due.push(level.events);
        if (due.length === 1) nextTask(joinDue);
        level.events = [];
        level.chars = 0;
      }
    },
    left(events) {
      for (const event of events) {
        const level = levels[event.priority] as Level;
        // Events older than the level's first were joined or let go already. An event the level never gathered (one
        // read back from the spool) may count too: the level then lets go of queued events early, which only costs a join.
        const first = level.events[0];
        if (first !== undefined && event.seq >= first.seq && level.gone < level.events.length) level.gone++;
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
