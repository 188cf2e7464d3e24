import type { EventType } from "./schema/events.js";

export interface QueuedEvent {
  /** Order of arrival; batches go out oldest first. */
  seq: number;
  priority: number;
  id: string;
  type: EventType;
  json: string;
  bytes: number;
}

/** Which events survive a full queue: the rare ones that carry labels and user reactions. */
export const PRIORITY: Record<EventType, number> = {
  "ml.feature_profile": 0,
  "ml.features": 0,
  "ml.prediction": 1,
  "ml.exposure": 2,
  "ml.feedback": 3,
  "ml.outcome": 3,
};

/**
 * The send queue, bounded by count and bytes. When full, an arriving event evicts the
 * oldest event of a lower priority; if there is none, the arriving event is refused.
 */
export interface EventQueue {
  count: number;
  bytes: number;
  /** Adds `e`; returns the events evicted to make room, or `false` if `e` itself does not fit. */
  offer(e: QueuedEvent): QueuedEvent[] | false;
  /** Puts events back at the front (a batch that could not be sent yet). */
  requeue(events: readonly QueuedEvent[]): void;
  /**
   * Up to `maxCount` events and `maxBytes`. Oldest first, always at least one (`byPriority`
   * false); or most valuable first (highest priority level, oldest within it), where a level
   * whose head does not fit is skipped so a smaller, less valuable event can still use the
   * room, and nothing is taken if nothing fits (`byPriority` true, for page close). Page close
   * counts one byte more per event, its separator in the encoded batch.
   */
  take(maxCount: number, maxBytes: number, byPriority?: boolean): QueuedEvent[];
  /** Lowest `seq` waiting, or Infinity when empty. */
  minSeq(): number;
}

/** A FIFO as an array and a head index: shifting a long plain array moves every element (O(n)). */
interface Fifo {
  a: QueuedEvent[];
  h: number;
}

export function createEventQueue(maxCount: number, maxBytes: number): EventQueue {
  // One FIFO per priority level.
  const levels: Fifo[] = [0, 1, 2, 3].map(() => ({ a: [], h: 0 }));
  const first = (l: Fifo): QueuedEvent | undefined => l.a[l.h];
  const put = (e: QueuedEvent, front?: boolean): void => {
    const l = levels[e.priority] as Fifo;
    if (!front) l.a.push(e);
    else if (l.h > 0) l.a[--l.h] = e;
    else l.a.unshift(e);
    q.count++;
    q.bytes += e.bytes;
  };
  const shift = (l: Fifo): QueuedEvent => {
    const e = l.a[l.h] as QueuedEvent;
    l.a[l.h++] = undefined as unknown as QueuedEvent; // let it be collected
    // Drop the consumed prefix once it is most of the array: amortized O(1) per event.
    if (l.h > 1023 && l.h * 2 > l.a.length) {
      l.a = l.a.slice(l.h);
      l.h = 0;
    }
    q.count--;
    q.bytes -= e.bytes;
    return e;
  };
  const requeue = (events: readonly QueuedEvent[]): void => {
    for (let i = events.length; i--; ) put(events[i] as QueuedEvent, true);
  };
  /** The level holding the oldest event. */
  const oldest = (): Fifo | undefined => {
    let best: Fifo | undefined;
    for (const l of levels) {
      const e = first(l);
      if (e && !(best && (first(best) as QueuedEvent).seq < e.seq)) best = l;
    }
    return best;
  };

  const q: EventQueue = {
    count: 0,
    bytes: 0,
    offer(e) {
      const evicted: QueuedEvent[] = [];
      while (q.count >= maxCount || q.bytes + e.bytes > maxBytes) {
        const victim = levels.find((l, p) => p < e.priority && first(l));
        if (!victim) {
          requeue(evicted);
          return false;
        }
        evicted.push(shift(victim));
      }
      put(e);
      return evicted;
    },
    requeue,
    take(maxCount, maxBytes, byPriority) {
      const out: QueuedEvent[] = [];
      let bytes = 0;
      for (let p = 3; p >= 0 && out.length < maxCount; ) {
        const level = byPriority ? levels[p] : oldest();
        const head = level && first(level);
        // For page close an event also takes its separator in the encoded batch (a comma or bracket).
        const size = head ? head.bytes + (byPriority ? 1 : 0) : 0;
        if (!head || ((byPriority || out.length > 0) && bytes + size > maxBytes)) {
          if (!byPriority) break;
          p--;
          continue;
        }
        bytes += size;
        out.push(shift(level as Fifo));
      }
      return out;
    },
    minSeq: () => {
      const l = oldest();
      return l ? (first(l) as QueuedEvent).seq : Infinity;
    },
  };
  return q;
}
