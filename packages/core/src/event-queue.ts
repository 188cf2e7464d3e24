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
const LEVELS = 4;

class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  unshift(x: T): void {
    if (this.head > 0) this.items[--this.head] = x;
    else this.items.unshift(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head++] as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

/**
 * The send queue, bounded by count and bytes. When full, an arriving event evicts the
 * oldest event of a lower priority; if there is none, the arriving event is refused.
 */
export class EventQueue {
  private readonly levels: Fifo<QueuedEvent>[] = Array.from({ length: LEVELS }, () => new Fifo<QueuedEvent>());
  count = 0;
  bytes = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds `e`; returns the events evicted to make room, or `false` if `e` itself does not fit. */
  offer(e: QueuedEvent): QueuedEvent[] | false {
    const evicted: QueuedEvent[] = [];
    while (this.count + 1 > this.maxCount || this.bytes + e.bytes > this.maxBytes) {
      const victim = this.evictBelow(e.priority);
      if (!victim) {
        for (let i = evicted.length - 1; i >= 0; i--) this.put(evicted[i] as QueuedEvent, true);
        return false;
      }
      evicted.push(victim);
    }
    this.put(e, false);
    return evicted;
  }

  /** Puts events back at the front (a batch that could not be sent yet). */
  requeue(events: readonly QueuedEvent[]): void {
    for (let i = events.length - 1; i >= 0; i--) this.put(events[i] as QueuedEvent, true);
  }

  /** Oldest events first, up to `maxCount` events and `maxBytes` (always at least one). */
  take(maxCount: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 0;
    while (out.length < maxCount) {
      const level = this.oldestLevel();
      if (!level) break;
      const head = level.peek() as QueuedEvent;
      if (out.length > 0 && bytes + head.bytes > maxBytes) break;
      level.shift();
      this.count--;
      this.bytes -= head.bytes;
      bytes += head.bytes;
      out.push(head);
    }
    return out;
  }

  /**
   * Most valuable first (highest priority level, oldest within it), up to `maxCount`
   * events and `maxBytes`. A level whose head does not fit is skipped, so a smaller,
   * less valuable event can still use the room. Takes nothing if nothing fits.
   */
  takeByPriority(maxCount: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 0;
    for (let p = LEVELS - 1; p >= 0; p--) {
      const level = this.levels[p] as Fifo<QueuedEvent>;
      for (let head = level.peek(); head && out.length < maxCount; head = level.peek()) {
        if (bytes + head.bytes > maxBytes) break;
        level.shift();
        this.count--;
        this.bytes -= head.bytes;
        bytes += head.bytes;
        out.push(head);
      }
    }
    return out;
  }

  /** Lowest `seq` waiting, or Infinity when empty. */
  minSeq(): number {
    return this.oldestLevel()?.peek()?.seq ?? Number.POSITIVE_INFINITY;
  }

  drain(): QueuedEvent[] {
    return this.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  private oldestLevel(): Fifo<QueuedEvent> | undefined {
    let best: Fifo<QueuedEvent> | undefined;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const level of this.levels) {
      const h = level.peek();
      if (h && h.seq < bestSeq) {
        bestSeq = h.seq;
        best = level;
      }
    }
    return best;
  }

  private evictBelow(priority: number): QueuedEvent | undefined {
    for (let p = 0; p < priority; p++) {
      const level = this.levels[p] as Fifo<QueuedEvent>;
      const victim = level.shift();
      if (victim) {
        this.count--;
        this.bytes -= victim.bytes;
        return victim;
      }
    }
    return undefined;
  }

  private put(e: QueuedEvent, front: boolean): void {
    const level = this.levels[e.priority] as Fifo<QueuedEvent>;
    if (front) level.unshift(e);
    else level.push(e);
    this.count++;
    this.bytes += e.bytes;
  }
}
