import type { DropReason, QueuedEvent, StoredEvent } from "@inferlog/core";
import type { Spool } from "./spool.js";

/**
 * Decides, with a spool on, where each new event goes: into memory while memory has room
 * and nothing waits on disk before it, else onto disk (the backlog); and refills memory
 * from the backlog, oldest first, as events leave it. Memory here is the queue plus the
 * batches in flight, so the client's queue never reaches its bound and never evicts.
 */
export class Overflow {
  /** Events in the client now (queued or in flight), and their bytes. */
  private count = 0;
  private bytes = 0;
  private refillScheduled = false;
  private restore: ((events: readonly StoredEvent[]) => void) | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly maxCount: number,
    private readonly maxBytes: number,
    /** An event neither memory nor the disk could hold. */
    private readonly onLost: (event: QueuedEvent) => void,
  ) {}

  /** Starts refilling the client (`restore` puts stored events back in its queue). */
  attach(restore: (events: readonly StoredEvent[]) => void): void {
    this.restore = restore;
    this.refill();
  }

  /**
   * Stops refilling for good (at shutdown): the backlog stays on disk for the next start, and
   * nothing enters a client that is closing, to be sent after its deadline.
   */
  detach(): void {
    this.restore = undefined;
  }

  get attached(): boolean {
    return this.restore !== undefined;
  }

  /** Where a new event goes: into memory, onto disk (the backlog), or nowhere (both full: counted as lost). */
  place(event: QueuedEvent): "memory" | "disk" | "lost" {
    const fits = this.fits(event.bytes);
    if (this.spool.backlog === 0 && fits) return "memory";
    if (this.spool.divert(event)) {
      if (fits) this.scheduleRefill();
      return "disk";
    }
    if (fits) return "memory"; // the disk failed while memory has room: sent from memory, out of order
    this.spool.lost(1);
    this.onLost(event);
    return "lost";
  }

  /** Events that entered the client's queue: written ahead to disk. */
  enqueued(events: readonly QueuedEvent[]): void {
    for (const event of events) this.add(event.bytes);
    this.spool.admit(events);
  }

  /** Events that left the client (the spool parks those it keeps for the next start). */
  settled(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void {
    for (const event of events) {
      this.count--;
      this.bytes -= event.bytes;
    }
    this.spool.settle(events, outcome);
    if (this.spool.backlog > 0) this.scheduleRefill();
  }

  /** Where the backlog ends now: `reached(mark)` tells when everything on disk before it has been read. */
  mark(): number {
    const spoolStats = this.spool.stats();
    return spoolStats.replayed + spoolStats.diverted;
  }

  reached(mark: number): boolean {
    const spoolStats = this.spool.stats();
    return spoolStats.replayed + spoolStats.diverted - spoolStats.backlog >= mark;
  }

  /** Moves backlog events into memory while it has room. */
  refill(): void {
    this.refillScheduled = false;
    const restore = this.restore;
    if (!restore) return;
    while (this.spool.backlog > 0) {
      const room = this.maxCount - this.count;
      // An event larger than the whole byte bound still goes once memory is empty, as a logged one would.
      const roomBytes = this.count === 0 ? Number.POSITIVE_INFINITY : this.maxBytes - this.bytes;
      if (room <= 0 || roomBytes <= 0) return;
      const events = this.spool.read(room, roomBytes);
      if (events.length === 0) return;
      for (const event of events) this.add(Buffer.byteLength(event.json));
      restore(events);
    }
  }

  private scheduleRefill(): void {
    if (this.refillScheduled) return;
    this.refillScheduled = true;
    queueMicrotask(() => this.refill());
  }

  private fits(bytes: number): boolean {
    return this.count < this.maxCount && this.bytes + bytes <= this.maxBytes;
  }

  private add(bytes: number): void {
    this.count++;
    this.bytes += bytes;
  }
}
