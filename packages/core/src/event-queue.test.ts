import { seededRandom } from "@inferlog/test-support/seeded-random";
import { describe, expect, it } from "vitest";
import { createEventQueue, type QueuedEvent } from "./event-queue.js";

const TYPES = ["ml.features", "ml.prediction", "ml.exposure", "ml.feedback"] as const;
let seq = 0;
const ev = (priority: number, bytes = 10): QueuedEvent => ({
  seq: ++seq,
  priority,
  id: `e${seq}`,
  type: TYPES[priority] as QueuedEvent["type"],
  json: "{}",
  bytes,
});

/** The same contract on plain arrays, written for clarity, not speed. */
function reference(maxCount: number, maxBytes: number) {
  let items: QueuedEvent[] = [];
  const bytes = () => items.reduce((n, e) => n + e.bytes, 0);
  return {
    offer(e: QueuedEvent): string[] | false {
      const evicted: QueuedEvent[] = [];
      while (items.length >= maxCount || bytes() + e.bytes > maxBytes) {
        const lower = items.filter((x) => x.priority < e.priority);
        if (lower.length === 0) {
          items.push(...evicted);
          return false;
        }
        const minP = Math.min(...lower.map((x) => x.priority));
        const victim = lower.filter((x) => x.priority === minP).sort((a, b) => a.seq - b.seq)[0] as QueuedEvent;
        items = items.filter((x) => x !== victim);
        evicted.push(victim);
      }
      items.push(e);
      return evicted.map((x) => x.id);
    },
    take(n: number): string[] {
      const out = [...items].sort((a, b) => a.seq - b.seq).slice(0, n);
      items = items.filter((x) => !out.includes(x));
      return out.map((x) => x.id);
    },
    requeue(events: QueuedEvent[]) {
      items.push(...events);
    },
    minSeq: () => Math.min(...items.map((x) => x.seq)), // Infinity when empty
    get count() {
      return items.length;
    },
  };
}

describe("event queue", () => {
  it("matches a plain-array model over thousands of random offers, takes and requeues", () => {
    const rnd = seededRandom(42);
    const q = createEventQueue(3_000, 1e9);
    const m = reference(3_000, 1e9);
    for (let step = 0; step < 20_000; step++) {
      const r = rnd();
      if (r < 0.6) {
        const e = ev(Math.floor(rnd() * 4));
        const got = q._offer(e);
        expect(got.accepted ? got.evicted.map((x) => x.id) : false).toEqual(m.offer(e));
        if (!got.accepted) expect(got.evicted).toEqual([]);
      } else if (r < 0.95) {
        const n = 1 + Math.floor(rnd() * 300);
        const taken = q._takeOldest(n, 1e9);
        expect(taken.map((x) => x.id)).toEqual(m.take(n));
        if (rnd() < 0.2) {
          q._putBack(taken); // a batch that could not be sent goes back to the front
          m.requeue(taken);
        }
      } else {
        expect(q._minSeq()).toBe(m.minSeq());
      }
      expect(q.count).toBe(m.count);
    }
  });

  it("keeps order and counts when one level drains past its compaction point", () => {
    const q = createEventQueue(100_000, 1e9);
    const all = Array.from({ length: 5_000 }, () => ev(1));
    for (const e of all) q._offer(e);
    const out: string[] = [];
    while (q.count > 0) {
      const batch = q._takeOldest(97, 1e9);
      expect(batch.length).toBeGreaterThan(0); // a lost event would leave count > 0 with nothing to take
      if (out.length === 2_910) q._putBack(batch.splice(40)); // give some back across the boundary
      out.push(...batch.map((x) => x.id));
    }
    expect(out).toEqual(all.map((x) => x.id));
    expect(q.bytes).toBe(0);
    expect(q._minSeq()).toBe(Number.POSITIVE_INFINITY);
  });
});
