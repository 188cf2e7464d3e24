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

/** What `_offer` did: whether the event is queued now, and which queued events it pushed out. */
export interface Offered {
  accepted: boolean;
  /** Lower-priority events evicted to make room (empty when the event was refused: nothing is evicted for nothing). */
  evicted: QueuedEvent[];
}

/**
 * The send queue, bounded by count and bytes. When full, an arriving event evicts the
 * oldest event of a lower priority; if there is none, the arriving event is refused.
 * It knows nothing of how a batch is encoded: whoever takes events says what each one costs.
 */
export interface EventQueue {
  count: number;
  bytes: number;
  _offer(e: QueuedEvent): Offered;
  /** Puts events back at the front (a batch that could not be sent yet). */
  _putBack(events: readonly QueuedEvent[]): void;
  /** Up to `maxCount` events and `maxBytes` (their JSON bytes), oldest first; always at least one if any is queued. */
  _takeOldest(maxCount: number, maxBytes: number): QueuedEvent[];
  /**
   * Up to `maxCount` events whose costs (`cost(e)`, the bytes each adds to an encoded batch) sum to at
   * most `maxBytes`, most valuable first (highest priority level, oldest within it). A level whose head
   * does not fit is skipped so a smaller, less valuable event can still use the room; nothing is taken
   * if nothing fits. For page close, where the byte budget is hard. With `isPersisted`, events it says
   * are safe on disk are taken only after every other one that fits (in the same order).
   */
  _takeMostValuable(
    maxCount: number,
    maxBytes: number,
    cost: (e: QueuedEvent) => number,
    isPersisted?: (e: QueuedEvent) => boolean,
  ): QueuedEvent[];
  /** Lowest `seq` waiting, or Infinity when empty. */
  _minSeq(): number;
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
  const push = (e: QueuedEvent): void => {
    (levels[e.priority] as Fifo).a.push(e);
    counted(e, 1);
  };
  const unshift = (e: QueuedEvent): void => {
    const l = levels[e.priority] as Fifo;
    if (l.h > 0) l.a[--l.h] = e;
    else l.a.unshift(e);
    counted(e, 1);
  };
  const counted = (e: QueuedEvent, sign: number): void => {
    q.count += sign;
    q.bytes += sign * e.bytes;
  };
  const shift = (l: Fifo): QueuedEvent => {
    const e = l.a[l.h] as QueuedEvent;
    l.a[l.h++] = undefined as unknown as QueuedEvent; // let it be collected
    // Drop the consumed prefix once it is most of the array: amortized O(1) per event.
    if (l.h > 1023 && l.h * 2 > l.a.length) {
      l.a = l.a.slice(l.h);
      l.h = 0;
    }
    counted(e, -1);
    return e;
  };
  const _putBack = (events: readonly QueuedEvent[]): void => {
    for (let i = events.length; i--; ) unshift(events[i] as QueuedEvent);
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
    _offer(e) {
      const evicted: QueuedEvent[] = [];
      while (q.count >= maxCount || q.bytes + e.bytes > maxBytes) {
        const victim = levels.find((l, p) => p < e.priority && first(l));
        if (!victim) {
          _putBack(evicted);
          return { accepted: false, evicted: [] };
        }
        evicted.push(shift(victim));
      }
      push(e);
      return { accepted: true, evicted };
    },
    _putBack,
    _takeOldest(maxCount, maxBytes) {
      const out: QueuedEvent[] = [];
      let bytes = 0;
      for (let level = oldest(); level && out.length < maxCount; level = oldest()) {
        const head = first(level) as QueuedEvent;
        if (out.length > 0 && bytes + head.bytes > maxBytes) break;
        bytes += head.bytes;
        out.push(shift(level));
      }
      return out;
    },
    _takeMostValuable(maxCount, maxBytes, cost, isPersisted = () => false) {
      const out: QueuedEvent[] = [];
      let bytes = 0;
      // Events not yet on disk first: only this request (or a spill) saves them; the stored ones wait for the next visit.
      for (const persisted of [false, true])
        for (let p = 4; p--; ) {
          const level = levels[p] as Fifo;
          for (let i = level.h; i < level.a.length && out.length < maxCount; i++) {
            const e = level.a[i] as QueuedEvent;
            if (isPersisted(e) !== persisted) continue;
            const size = cost(e);
            if (bytes + size > maxBytes) break;
            bytes += size;
            out.push(e);
          }
        }
      const taken = new Set(out);
      for (const level of levels) {
        level.a = level.a.slice(level.h).filter((e) => !taken.has(e));
        level.h = 0;
      }
      for (const e of out) counted(e, -1);
      return out;
    },
    _minSeq: () => {
      const l = oldest();
      return l ? (first(l) as QueuedEvent).seq : Infinity;
    },
  };
  return q;
}
