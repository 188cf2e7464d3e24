import { INTAKE_HIGH_WATER, SLICE_EVENTS } from "../intake.js";
import type { Clock } from "../runtime.js";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock you move by hand. `advance` runs due timers in order and lets promises settle between them. */
export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running each timer that falls due, oldest first. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await turn();
      const due = this.timers
        .filter((timer) => timer.at <= end)
        .sort((left, right) => left.at - right.at || left.id - right.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }

  /** Runs timers until none is left or `maxMs` of fake time has passed. */
  async runAll(maxMs = 24 * 3600_000): Promise<void> {
    const end = this.t + maxMs;
    while (this.timers.length > 0 && this.t < end) {
      const next = Math.min(...this.timers.map((timer) => timer.at));
      await this.advance(Math.max(0, next - this.t));
    }
  }
}

const realSetTimeout = (globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown }).setTimeout;

/** One real macrotask turn: drains the microtask queue. */
const turn = (): Promise<void> =>
  new Promise((resolve) => {
    realSetTimeout(resolve, 0);
  });

/**
 * Lets every pending promise callback run and the client prepare every call logged so far: a
 * burst leaves at most `INTAKE_HIGH_WATER` calls, prepared `SLICE_EVENTS` per later task.
 */
export async function settle(): Promise<void> {
  for (let index = Math.ceil(INTAKE_HIGH_WATER / SLICE_EVENTS) + 2; index--; ) await turn();
}
