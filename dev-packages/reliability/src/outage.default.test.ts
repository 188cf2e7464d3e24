/**
 * Outages at rates beyond the memory bound, `@inferlog/node` with its default options (no spool):
 * the fault proxy breaks every request for a while (resets, 503, 503 with an HTML body, a collector
 * restart), the app keeps logging, and afterwards every event is accounted for by id (stored once at
 * the collector, or counted as dropped with its id, never both) and delivery came back within the
 * circuit's cooldown + 1 s of the collector's return.
 */
import { DEFAULT_CIRCUIT_COOLDOWN_MS, DEFAULT_CIRCUIT_MAX_COOLDOWN_MS } from "@inferlog/core";
import { createClient, type NodeClient } from "@inferlog/node";
import type { Fault } from "@inferlog/test-support/fault-proxy";
import { afterEach, describe, expect, it } from "vitest";
import { type Stack, startStack } from "./test/stack.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack | undefined;
let client: NodeClient | undefined;
afterEach(async () => {
  await client?.shutdown({ timeoutMs: 1_000 });
  await stack?.stop();
  client = stack = undefined;
});

interface Run {
  client: NodeClient;
  /** Ids of every event the client made (queued, or refused by a full queue). */
  made: Set<string>;
  /** Dropped ids by reason. */
  dropped: Map<string, string>;
  /** When the collector acknowledged events, client-side. */
  deliveries: number[];
  /** When each request reached the proxy. */
  requests: number[];
}

function startClient(endpoint: string): Run {
  const run: Run = {
    client: undefined as unknown as NodeClient,
    made: new Set(),
    dropped: new Map(),
    deliveries: [],
    requests: [],
  };
  run.client = createClient({
    endpoint,
    source: "outage",
    model: { name: "ticket-router", version: "v1" },
    flushOnExit: false,
    logger: { warn: () => {} },
    onDrop: ({ reason, ids }) => {
      for (const id of ids) {
        run.made.add(id);
        run.dropped.set(id, reason);
      }
    },
    hooks: {
      onEnqueued: (events) => {
        for (const e of events) run.made.add(e.id);
      },
      onSettled: (_events, outcome) => {
        if (outcome === "sent") run.deliveries.push(Date.now());
      },
    },
  });
  client = run.client;
  return run;
}

/** Logs `total` predictions evenly over `ms`, in 10 ms steps. */
async function logOver(run: Run, total: number, ms: number): Promise<void> {
  const steps = ms / 10;
  const start = Date.now();
  let logged = 0;
  for (let step = 1; step <= steps; step++) {
    const due = Math.round((total * step) / steps);
    for (; logged < due; logged++)
      run.client.logPrediction({ output: { label: "billing", score: 0.9 }, features: { i: logged, plan: "pro" } });
    await sleep(Math.max(0, start + step * 10 - Date.now()));
  }
}

/**
 * The cooldown in force when the collector came back at `upAt`: the first open period, doubled per
 * failed probe. A probe is a request that came alone, after a quiet spell of most of a cooldown.
 */
function cooldownAt(run: Run, upAt: number): number {
  let cooldown = DEFAULT_CIRCUIT_COOLDOWN_MS;
  const before = run.requests.filter((t) => t < upAt);
  for (let i = 1; i < before.length; i++)
    if ((before[i] as number) - (before[i - 1] as number) >= DEFAULT_CIRCUIT_COOLDOWN_MS * 0.9)
      cooldown = Math.min(cooldown * 2, DEFAULT_CIRCUIT_MAX_COOLDOWN_MS);
  return cooldown;
}

/** The exact accounting and the timeline, after a flush that must settle everything. */
async function checkAccounts(run: Run, logged: number, upAt: number) {
  const result = await run.client.flush({ timeoutMs: 40_000 });
  expect(result).toMatchObject({ ok: true, pending: 0 });
  const stats = run.client.stats();
  const stored = await (stack as Stack).idCounts();
  // No duplicates at the collector, nothing stored that was counted as dropped, nothing unaccounted.
  expect([...stored.values()].filter((n) => n !== 1)).toEqual([]);
  expect([...stored.keys()].filter((id) => run.dropped.has(id))).toEqual([]);
  expect([...run.made].filter((id) => !stored.has(id) && !run.dropped.has(id))).toEqual([]);
  expect(stats.logged).toBe(logged);
  expect(run.made.size).toBe(logged);
  expect(stats.sent).toBe(stored.size);
  expect(stats.sent + stats.dropped.total).toBe(logged);
  expect(stats.dropped.total).toBe(stats.dropped.queue_full);
  expect(stats.dropped.total).toBe(run.dropped.size);
  // Timeline: from the collector's return to the last event logged, no stretch without a delivery
  // longer than the cooldown then in force + 1 s.
  const bound = cooldownAt(run, upAt) + 1_000;
  const after = [upAt, ...run.deliveries.filter((t) => t >= upAt)];
  const gaps = after.slice(1).map((t, i) => t - (after[i] as number));
  expect(after.length).toBeGreaterThan(1);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(bound);
  return { stats, stored, bound, firstAfterMs: (after[1] as number) - upAt };
}

/** Breaks every request with `fault` for `outageMs` from now while 20,000 predictions are logged over 3 s. */
async function burstThrough(fault: Fault, outageMs: number) {
  stack = await startStack();
  const run = startClient(stack.endpoint);
  const upAt = Date.now() + outageMs;
  stack.proxy.setPolicy(() => {
    run.requests.push(Date.now());
    return Date.now() < upAt ? fault : { kind: "pass" };
  });
  await logOver(run, 20_000, 3_000);
  const report = await checkAccounts(run, 20_000, upAt);
  // The memory bound held: what did not fit was dropped and counted, and the rest arrived.
  expect(report.stats.dropped.queue_full).toBeGreaterThan(0);
  expect(report.stored.size).toBeGreaterThanOrEqual(10_000);
  if (process.env.INFERLOG_REPORT)
    console.info(
      `[outage] ${expect.getState().currentTestName}: ${JSON.stringify({ stored: report.stored.size, dropped: report.stats.dropped.total, firstAfterMs: report.firstAfterMs, boundMs: report.bound })}`,
    );
}

describe("@inferlog/node, default options, through outages beyond the memory bound", () => {
  it("connection resets for 5 s while 20,000 predictions are logged over 3 s", async () => {
    await burstThrough({ kind: "reset" }, 5_000);
    expect(stack?.proxy.counts.reset).toBeGreaterThan(0);
  });

  it("503 for 5 s", async () => {
    await burstThrough({ kind: "status", status: 503 }, 5_000);
    expect(stack?.proxy.counts.status).toBeGreaterThan(0);
  });

  it("503 with an HTML body (a load balancer's error page) for 5 s", async () => {
    await burstThrough(
      {
        kind: "status",
        status: 503,
        contentType: "text/html",
        body: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
      },
      5_000,
    );
    expect(stack?.proxy.counts.status).toBeGreaterThan(0);
  });

  it("a 6 s collector restart at 1,000 events/s", async () => {
    stack = await startStack();
    const run = startClient(stack.endpoint);
    stack.proxy.setPolicy(() => {
      run.requests.push(Date.now());
      return { kind: "pass" };
    });
    const logging = logOver(run, 8_000, 8_000);
    await sleep(1_000);
    let upAt = 0;
    await stack.restartCollector(6_000).then(() => {
      upAt = Date.now();
    });
    await logging;
    // No flush until delivery has resumed by itself: a flush would cut the cooldown short.
    const resumed = () => run.deliveries.some((t) => t >= upAt);
    for (const end = upAt + DEFAULT_CIRCUIT_MAX_COOLDOWN_MS; !resumed() && Date.now() < end; ) await sleep(50);
    expect(stack.proxy.counts.upstream_down).toBeGreaterThan(0);
    const report = await checkAccounts(run, 8_000, upAt);
    if (process.env.INFERLOG_REPORT)
      console.info(
        `[outage] restart: ${JSON.stringify({ stored: report.stored.size, dropped: report.stats.dropped.total, firstAfterMs: report.firstAfterMs, boundMs: report.bound })}`,
      );
  });
});
