import { seededRandom } from "@inferlog/test-support/seeded-random";
import { describe, expect, it } from "vitest";
import { createEventQueue, type QueuedEvent } from "./event-queue.js";
import { JOIN_MIN_QUEUE_BYTES, joinJson } from "./json-chunks.js";

const TYPES = ["ml.features", "ml.prediction", "ml.exposure", "ml.feedback"] as const;

/** An event whose JSON is `chars` long and names its own id; every few holds characters outside Latin-1. */
function event(seq: number, priority: number, chars: number): QueuedEvent {
  const id = `e${seq}`;
  const head = `{"id":"${id}","text":"`;
  const wide = seq % 5 === 0 ? "ü😀" : "";
  const json = `${head}${wide}${"x".repeat(Math.max(0, chars - head.length - wide.length - 2))}"}`;
  return { seq, priority, id, type: TYPES[priority] as QueuedEvent["type"], json, bytes: json.length };
}

const expectOwnJson = (events: readonly QueuedEvent[]): void => {
  for (const e of events) {
    expect(e.json.startsWith(`{"id":"${e.id}","text":"`)).toBe(true);
    expect(e.json.endsWith('"}')).toBe(true);
    expect(JSON.parse(e.json).id).toBe(e.id);
  }
};

describe("queued JSON joined into large strings", () => {
  it("gives every event back exactly its own JSON after a join", () => {
    const events = Array.from({ length: 300 }, (_, i) => event(i, 1, 200 + ((i * 37) % 900)));
    const before = events.map((e) => e.json);
    joinJson(events, 10, 290);
    expect(events.map((e) => e.json)).toEqual(before);
  });

  it("keeps each event's JSON through offers, evictions, takes, put-backs and compaction, across many joins", () => {
    const rnd = seededRandom(7);
    // Large enough in bytes that joins happen, bounded in count so that bursts evict.
    const q = createEventQueue(4_000, 4 * JOIN_MIN_QUEUE_BYTES);
    let seq = 0;
    // Bursts that overfill the queue (evicting), each followed by a partial drain with put-backs.
    for (let burst = 0; burst < 8; burst++) {
      const offers = 3_000 + Math.floor(rnd() * 3_000);
      for (let i = 0; i < offers; i++) {
        const e = event(++seq, Math.floor(rnd() * 4), 100 + Math.floor(rnd() * 2_000));
        expectOwnJson(q._offer(e).evicted);
      }
      while (q.count > 1_000) {
        const taken = q._takeOldest(1 + Math.floor(rnd() * 300), 1e9);
        expectOwnJson(taken);
        if (rnd() < 0.2) q._putBack(taken);
      }
      if (burst % 3 === 2) expectOwnJson(q._takeMostValuable(50, 100_000, (e) => e.bytes + 1));
    }
    const rest = q._takeOldest(1e9, 1e18);
    expectOwnJson(rest);
    expect(q.count).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it("keeps order and JSON when one level drains past its compaction point after joins", () => {
    const q = createEventQueue(100_000, JOIN_MIN_QUEUE_BYTES * 8);
    const all = Array.from({ length: 5_000 }, (_, i) => event(i + 1, 1, 600));
    for (const e of all) q._offer(e);
    const out: QueuedEvent[] = [];
    while (q.count > 0) {
      const batch = q._takeOldest(97, 1e9);
      expect(batch.length).toBeGreaterThan(0);
      if (out.length === 2_910) q._putBack(batch.splice(40));
      out.push(...batch);
    }
    expect(out.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expectOwnJson(out);
  });
});
