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
  _offer(event: QueuedEvent): Offered;
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
    cost: (event: QueuedEvent) => number,
    isPersisted?: (event: QueuedEvent) => boolean,
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
  const first = (fifo: Fifo): QueuedEvent | undefined => fifo.a[fifo.h];
  const push = (event: QueuedEvent): void => {
    (levels[event.priority] as Fifo).a.push(event);
    counted(event, 1);
  };
  const unshift = (event: QueuedEvent): void => {
    const fifo = levels[event.priority] as Fifo;
    if (fifo.h > 0) fifo.a[--fifo.h] = event;
    else fifo.a.unshift(event);
    counted(event, 1);
  };
  const counted = (event: QueuedEvent, sign: number): void => {
    eventQueue.count += sign;
    eventQueue.bytes += sign * event.bytes;
  };
  const shift = (fifo: Fifo): QueuedEvent => {
    const event = fifo.a[fifo.h] as QueuedEvent;
    fifo.a[fifo.h++] = undefined as unknown as QueuedEvent; // let it be collected
    // Drop the consumed prefix once it is most of the array: amortized O(1) per event.
    if (fifo.h > 1023 && fifo.h * 2 > fifo.a.length) {
      fifo.a = fifo.a.slice(fifo.h);
      fifo.h = 0;
    }
    counted(event, -1);
    return event;
  };
  const _putBack = (events: readonly QueuedEvent[]): void => {
    for (let index = events.length; index--; ) unshift(events[index] as QueuedEvent);
  };
  /** The level holding the oldest event. */
  const oldest = (): Fifo | undefined => {
    let best: Fifo | undefined;
    for (const fifo of levels) {
      const event = first(fifo);
      if (event && !(best && (first(best) as QueuedEvent).seq < event.seq)) best = fifo;
    }
    return best;
  };

  const eventQueue: EventQueue = {
    count: 0,
    bytes: 0,
    _offer(event) {
      const evicted: QueuedEvent[] = [];
      while (eventQueue.count >= maxCount || eventQueue.bytes + event.bytes > maxBytes) {
        const victim = levels.find((level, index) => index < event.priority && first(level));
        if (!victim) {
          _putBack(evicted);
          return { accepted: false, evicted: [] };
        }
        evicted.push(shift(victim));
      }
      push(event);
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
        for (let probability = 4; probability--; ) {
          const level = levels[probability] as Fifo;
          for (let index = level.h; index < level.a.length && out.length < maxCount; index++) {
            const event = level.a[index] as QueuedEvent;
            if (isPersisted(event) !== persisted) continue;
            const size = cost(event);
            if (bytes + size > maxBytes) break;
            bytes += size;
            out.push(event);
          }
        }
      const taken = new Set(out);
      for (const level of levels) {
        level.a = level.a.slice(level.h).filter((event) => !taken.has(event));
        level.h = 0;
      }
      for (const event of out) counted(event, -1);
      return out;
    },
    _minSeq: () => {
      const fifo = oldest();
      return fifo ? (first(fifo) as QueuedEvent).seq : Infinity;
    },
  };
  return eventQueue;
}
