import type { PendingEvent } from "./build-event.js";
import { nextTask, queueMicrotask } from "./runtime.js";

/** Past this many pending calls, each `log*` call prepares a few inline so the intake stays bounded. */
export const INTAKE_HIGH_WATER = 256;
/** The most events one `log*` call prepares inline: a tight loop of heavy events stalls no call for long. */
export const INLINE_BUDGET = 2;
/** The most events one background slice prepares before it yields to the event loop. */
export const SLICE_EVENTS = 64;

/**
 * Log calls waiting to be prepared (built, validated, serialized, queued). A call only records
 * its input; the work runs a microtask later, then in slices of `SLICE_EVENTS` on later tasks.
 * In a tight loop the intake would grow without bound, so once it holds `INTAKE_HIGH_WATER`
 * calls (or the queue is nearly full) each call prepares at most `INLINE_BUDGET` of them itself.
 */
export interface Intake {
  /** Calls waiting. */
  _length(): number;
  _add(pending: PendingEvent): void;
  /** Prepares everything waiting now (flush, shutdown, page close). */
  _prepareAll(): void;
}

export interface IntakeSteps {
  /** Prepares and queues one event; never throws. */
  _prepare(pending: PendingEvent): void;
  /** After a run of `prepare` calls: start batches that are due. */
  _prepared(): void;
  /** True when the send queue is close to its bound, so events must meet its eviction policy now. */
  _pressed(waiting: number): boolean;
}

export function createIntake(steps: IntakeSteps): Intake {
  const waiting: PendingEvent[] = [];
  let head = 0;
  let scheduled = false;
  const length = () => waiting.length - head;

  function prepareSome(limit: number): void {
    let done = 0;
    while (done < limit && head < waiting.length) {
      const pending = waiting[head] as PendingEvent;
      waiting[head++] = undefined as unknown as PendingEvent; // let it be collected
      done++;
      steps._prepare(pending);
    }
    if (head === waiting.length) {
      // Emptied in place: a fresh [] has another elements kind, which sent the optimized log call back to the interpreter.
      waiting.length = 0;
      head = 0;
    }
    if (done > 0) steps._prepared();
  }

  /** One background slice; schedules the next on a later task while calls are left. */
  function slice(): void {
    scheduled = false;
    prepareSome(SLICE_EVENTS);
    if (length() > 0 && !scheduled) {
      scheduled = true;
      nextTask(slice);
    }
  }

  return {
    _length: length,
    _add(pending) {
      waiting.push(pending);
      const count = length();
      if (count >= INTAKE_HIGH_WATER || steps._pressed(count)) prepareSome(INLINE_BUDGET);
      if (!scheduled && length() > 0) {
        scheduled = true;
        queueMicrotask(slice);
      }
    },
    // A count, not Infinity: an optimized prepareSome expects a small integer and would be thrown back to the interpreter.
    _prepareAll: () => prepareSome(waiting.length),
  };
}
