/**
 * One row of docs/reliability.md per test: `@inferlog/node` logs through the fault proxy into the
 * collector on SQLite, one kind of fault at a time, and every enqueued id must be stored exactly once.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Fault, mixedFaults, type Policy } from "@inferlog/test-support/fault-proxy";
import { afterEach, describe, expect, it } from "vitest";
import { type Sdk, startSdk } from "./test/node-sdk.js";
import { compareIds, type Stack, startStack } from "./test/stack.js";

const N = 300; // predictions per row; with exposures, 360 events in about 15 batches

let stack: Stack | undefined;
let sdk: Sdk | undefined;
afterEach(async () => {
  await sdk?.client.shutdown({ timeoutMs: 1_000 });
  await stack?.stop();
  sdk = stack = undefined;
});

/** Logs, flushes, and checks: nothing lost, nothing stored twice, nothing dropped, the fault really happened. */
async function deliverThrough(
  faults: { fault: Fault; times: number }[],
  during?: (s: Stack) => Promise<void>,
  extra: Parameters<typeof startSdk>[1] = {},
  policy?: Policy,
) {
  stack = await startStack();
  sdk = startSdk(stack.endpoint, extra);
  for (const { fault, times } of faults) stack.proxy.inject(fault, times);
  if (policy) stack.proxy.setPolicy(policy);
  sdk.logMany(N, "row");
  const flushing = sdk.client.flush({ timeoutMs: 60_000 });
  if (during) await during(stack);
  const result = await flushing;
  const stored = await stack.idCounts();
  const { missing, duplicated } = compareIds(sdk.ids, stored);
  expect(sdk.ids.size).toBe(N + N / 5);
  expect({ missing, duplicated, storedCount: stored.size }).toEqual({
    missing: [],
    duplicated: [],
    storedCount: sdk.ids.size,
  });
  expect(result).toMatchObject({ ok: true, pending: 0 });
  expect(sdk.client.stats().dropped.total).toBe(0);
  // Every stored id went through the proxy: the collector saw no event from anywhere else.
  expect([...stored.keys()].every((id) => stack?.proxy.forwardedIds.has(id))).toBe(true);
  if (process.env.INFERLOG_REPORT) {
    const row = { sent: sdk.ids.size, stored: stored.size, resent: stack.proxy.resent, faults: stack.proxy.counts };
    console.info(`[reliability] ${expect.getState().currentTestName}: ${JSON.stringify(row)}`);
  }
  return { stack, sdk };
}

describe("@inferlog/node through injected faults into the collector (SQLite)", () => {
  it("connection resets before the collector sees the batch", async () => {
    const { stack } = await deliverThrough([{ fault: { kind: "reset" }, times: 8 }]);
    expect(stack.proxy.counts.reset).toBe(8);
  });

  it("replies lost after the collector stored the batch (the resend is deduplicated)", async () => {
    const { stack, sdk } = await deliverThrough([{ fault: { kind: "lose-reply" }, times: 8 }]);
    expect(stack.proxy.counts["lose-reply"]).toBe(8);
    expect(stack.proxy.resent).toBeGreaterThan(0); // the collector really received copies and kept one
    expect(sdk.client.stats().retried).toBeGreaterThan(0);
  });

  it("stalls past the client's timeout", async () => {
    const { stack } = await deliverThrough([{ fault: { kind: "stall" }, times: 4 }]);
    expect(stack.proxy.counts.stall).toBe(4);
  });

  it("partial responses: headers and half a body, then the connection is cut", async () => {
    const { stack } = await deliverThrough([{ fault: { kind: "partial" }, times: 6 }]);
    expect(stack.proxy.counts.partial).toBe(6);
  });

  it("bursts of 503 and 429 with Retry-After, honoured before the next attempt", async () => {
    const t0 = Date.now();
    const { stack } = await deliverThrough([
      { fault: { kind: "status", status: 503, retryAfter: "1" }, times: 5 },
      { fault: { kind: "status", status: 429, retryAfter: "1" }, times: 5 },
      { fault: { kind: "status", status: 502 }, times: 3 },
      { fault: { kind: "status", status: 504 }, times: 3 },
    ]);
    expect(stack.proxy.counts.status).toBe(16);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000); // Retry-After: 1 was waited out
  });

  it("added latency on every request (150 ms)", async () => {
    const { stack } = await deliverThrough([{ fault: { kind: "latency", ms: 150 }, times: 1_000 }]);
    expect(stack.proxy.counts.latency).toBeGreaterThan(0);
    expect(stack.proxy.counts.pass).toBe(0);
  });

  it("a collector restart in the middle of the stream (down for 500 ms)", async () => {
    const { stack } = await deliverThrough([{ fault: { kind: "latency", ms: 30 }, times: 6 }], async (s) => {
      await new Promise((r) => setTimeout(r, 60));
      await s.restartCollector(500);
    });
    expect(stack.proxy.counts.upstream_down).toBeGreaterThan(0);
  });

  it("all of the above mixed at random (seeded), with the disk spool on", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "inferlog-rel-spool-"));
    try {
      const policy = mixedFaults(7, [
        [0.55, { kind: "pass" }],
        [0.1, { kind: "reset" }],
        [0.1, { kind: "lose-reply" }],
        [0.05, { kind: "stall" }],
        [0.05, { kind: "partial" }],
        [0.1, { kind: "status", status: 503, retryAfter: "0" }],
        [0.05, { kind: "latency", ms: 100 }],
      ]);
      const { stack, sdk } = await deliverThrough(
        [],
        (s) => s.restartCollector(200),
        { spool: { dir: spoolDir, fsync: "never" } },
        policy,
      );
      const c = stack.proxy.counts;
      expect(c.reset + c["lose-reply"] + c.stall + c.partial + c.status).toBeGreaterThan(0);
      await sdk.client.shutdown({ timeoutMs: 2_000 });
      const spool = sdk.client.stats().spool;
      expect({ written: spool?.written, acked: spool?.acked, parked: spool?.parked }).toEqual({
        written: sdk.ids.size,
        acked: sdk.ids.size,
        parked: 0,
      });
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
