import { seededRandom } from "@inferlog/test-support/seeded-random";
import { describe, expect, it } from "vitest";
import { createEventQueue, type EventQueue, type QueuedEvent } from "./event-queue.js";
import { JOIN_AT_CHARS, JOIN_MIN_QUEUE_BYTES, type JsonJoiner, joinJson, jsonJoiner } from "./json-chunks.js";

const TYPES = ["ml.features", "ml.prediction", "ml.exposure", "ml.feedback"] as const;

/** An event whose JSON is `chars` long and names its own id; every fifth holds characters outside Latin-1. */
function event(seq: number, priority: number, chars: number): QueuedEvent {
  const id = `e${seq}`;
  const head = `{"id":"${id}","text":"`;
  const wide = seq % 5 === 0 ? "ü😀" : "";
  const json = `${head}${wide}${"x".repeat(Math.max(0, chars - head.length - wide.length - 2))}"}`;
  return { seq, priority, id, type: TYPES[priority] as QueuedEvent["type"], json, bytes: json.length };
}

/** The joins are made on the next task. */
const nextTask = () => new Promise((resolve) => setImmediate(resolve));

const expectOwnJson = (events: readonly QueuedEvent[]): void => {
  for (const e of events) {
    expect(e.json.startsWith(`{"id":"${e.id}","text":"`)).toBe(true);
    expect(JSON.parse(e.json).id).toBe(e.id);
  }
};

/** A queue whose accepted events are told to a joiner, as the Node client does it (its `onEnqueued` hook). */
function joiningQueue(maxCount: number, maxBytes: number) {
  const joins: number[] = [];
  const joinedSeqs: number[] = [];
  const queue: EventQueue = createEventQueue(maxCount, maxBytes);
  const joiner = jsonJoiner(maxBytes, (events) => {
    joins.push(events.length);
    joinedSeqs.push(...events.map((e) => e.seq));
    joinJson(events);
  }) as JsonJoiner;
  const offer = (e: QueuedEvent) => {
    const offered = queue._offer(e);
    if (offered.accepted) joiner.add([e]);
    joiner.left(offered.evicted);
    return offered;
  };
  /** Takes events as a batch would, and tells the joiner they were sent. */
  const send = (maxCount: number) => {
    const taken = queue._takeOldest(maxCount, 1e9);
    joiner.left(taken);
    return taken;
  };
  return { queue, offer, send, joins, joinedSeqs, joiner };
}

describe("queued JSON joined into large strings", () => {
  it("joins only for queues of at least JOIN_MIN_QUEUE_BYTES", () => {
    expect(jsonJoiner(JOIN_MIN_QUEUE_BYTES - 1)).toBeUndefined();
    expect(jsonJoiner(JOIN_MIN_QUEUE_BYTES)).toBeDefined();
  });

  it("keeps a failing join from reaching the host app: the events keep their own strings", async () => {
    const queue = createEventQueue(100_000, JOIN_MIN_QUEUE_BYTES);
    const joiner = jsonJoiner(JOIN_MIN_QUEUE_BYTES, () => {
      throw new RangeError("Invalid string length");
    }) as JsonJoiner;
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", listener);
    try {
      const events = Array.from({ length: 1_000 }, (_, i) => event(i + 1, 1, 600));
      for (const e of events) {
        queue._offer(e);
        joiner.add([e]);
      }
      await nextTask();
      expect(uncaught).toEqual([]);
      expectOwnJson(events);
    } finally {
      process.off("uncaughtException", listener);
    }
  });

  it("gives every event back exactly its own JSON after a join", () => {
    const events = Array.from({ length: 300 }, (_, i) => event(i, 1, 200 + ((i * 37) % 900)));
    const before = events.map((e) => e.json);
    joinJson(events);
    expect(events.map((e) => e.json)).toEqual(before);
  });

  it("joins a backlog per priority level, and nothing while delivery keeps the queue short", async () => {
    const { queue, offer, send, joins } = joiningQueue(100_000, JOIN_MIN_QUEUE_BYTES);
    // Steady delivery: batches of 100 leave as fast as events come.
    for (let seq = 1; seq <= 5_000; seq++) {
      offer(event(seq, 1, 600));
      if (queue.count === 100) send(100);
    }
    await nextTask();
    expect(joins).toEqual([]);
    // A backlog: nothing leaves. Each level joins once its events since the last join hold JOIN_AT_CHARS.
    const queued: QueuedEvent[] = [];
    for (let seq = 5_001; seq <= 7_000; seq++) {
      const e = event(seq, seq % 2 === 0 ? 1 : 3, 600);
      offer(e);
      queued.push(e);
    }
    expect(joins).toEqual([]); // not inside a logging call
    await nextTask();
    const perJoin = Math.ceil(JOIN_AT_CHARS / 600);
    expect(joins.length).toBeGreaterThanOrEqual(Math.floor(2_000 / perJoin) - 2);
    expect(Math.max(...joins)).toBeLessThanOrEqual(perJoin);
    expectOwnJson(queued);
  });

  it("lets go of events sent in steady delivery long before a join's worth of JSON", async () => {
    // Another level's backlog keeps the queue long while this level's events leave as they come: the join
    // that follows this level's own backlog takes in its queued events only, none already sent.
    const { queue, offer, joiner, joinedSeqs } = joiningQueue(100_000, JOIN_MIN_QUEUE_BYTES);
    for (let seq = 1; seq <= 400; seq++) offer(event(seq, 0, 100));
    for (let seq = 401; seq <= 550; seq++) {
      offer(event(seq, 1, 1_000));
      // Sent at once: the most valuable event is the prediction just offered, not the queued features.
      const [sent] = queue._takeMostValuable(1, 1e9, (e) => e.bytes);
      expect(sent?.seq).toBe(seq);
      joiner.left([sent as QueuedEvent]);
    }
    for (let seq = 551; seq <= 800; seq++) offer(event(seq, 1, 1_000));
    await nextTask();
    expect(joinedSeqs.length).toBeGreaterThan(0);
    expect(Math.min(...joinedSeqs)).toBeGreaterThan(550);
  });

  it("keeps each event's JSON through offers, evictions, takes and put-backs, across many joins", async () => {
    const rnd = seededRandom(7);
    // Large enough in bytes that joins happen, bounded in count so that bursts evict.
    const { queue, offer, joins, joiner } = joiningQueue(4_000, 4 * JOIN_MIN_QUEUE_BYTES);
    let seq = 0;
    // Bursts that overfill the queue (evicting), each followed by a partial drain with put-backs.
    for (let burst = 0; burst < 8; burst++) {
      const offers = 3_000 + Math.floor(rnd() * 3_000);
      for (let i = 0; i < offers; i++) {
        if (i % 500 === 499) await nextTask();
        expectOwnJson(offer(event(++seq, Math.floor(rnd() * 4), 100 + Math.floor(rnd() * 2_000))).evicted);
      }
      await nextTask();
      while (queue.count > 1_000) {
        const taken = queue._takeOldest(1 + Math.floor(rnd() * 300), 1e9);
        expectOwnJson(taken);
        if (rnd() < 0.2) queue._putBack(taken);
        else joiner.left(taken);
      }
    }
    expect(joins.length).toBeGreaterThan(20);
    const rest = queue._takeOldest(1e9, 1e18);
    expectOwnJson(rest);
    expect(queue.count).toBe(0);
  });
});
