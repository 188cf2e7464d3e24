/**
 * Outages with the spool on, at a rate beyond the memory bound: 20,000 predictions over 3 s
 * through the fault proxy into a real collector, while for the first 5 s every request gets
 * the fault. Every prediction must arrive exactly once (or be counted as spool_full), with the
 * id it was given when logged, oldest first, and delivery must not stall after recovery.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_CIRCUIT_COOLDOWN_MS,
  DEFAULT_FLUSH_AT,
  DEFAULT_MAX_QUEUE_SIZE,
  INTAKE_HIGH_WATER,
} from "@inferlog/core";
import { TestServer } from "@inferlog/test-support/collector-server";
import { type Fault, FaultProxy } from "@inferlog/test-support/fault-proxy";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, DEFAULT_NODE_MAX_CONCURRENCY, type NodeClient } from "../src/create-client.js";
import { decodeRecord } from "../src/spool/record.js";

const N = 20_000;
const LOG_MS = 3_000;
const OUTAGE_MS = 5_000;
const PASS: Fault = { kind: "pass" };

let collector: TestServer | undefined;
let proxy: FaultProxy | undefined;
let lb: Server | undefined;
let client: NodeClient | undefined;
let dir: string | undefined;
afterEach(async () => {
  await client?.shutdown({ timeoutMs: 1_000 });
  await proxy?.close();
  await collector?.close();
  await new Promise<void>((resolve) => (lb ? lb.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  client = proxy = collector = lb = dir = undefined;
});

/** A load balancer's error page: 503 with an HTML body, for every request. */
async function htmlErrorPage(): Promise<string> {
  lb = createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res
        .writeHead(503, { "content-type": "text/html" })
        .end("<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503</h1></body></html>"),
    );
  });
  await new Promise<void>((resolve) => lb?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(lb.address() as AddressInfo).port}`;
}

/** subject -> event id, from every record in the spool's files. */
function idsOnDisk(spoolDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(spoolDir).filter((name) => name.endsWith(".log"))) {
    for (const line of readFileSync(join(spoolDir, f), "utf8").split("\n").slice(0, -1)) {
      const e = decodeRecord(line);
      if (e) out.set((JSON.parse(e.json) as { subject: string }).subject, e.id);
    }
  }
  return out;
}

async function outage(kind: "reset" | "503" | "503-html") {
  collector = new TestServer();
  const upstream = await collector.start();
  proxy = new FaultProxy(upstream);
  const endpoint = `${await proxy.start()}/v1/events`;
  const p = proxy;
  const outageEnd = Date.now() + OUTAGE_MS;
  if (kind === "503-html") {
    p.setUpstream(await htmlErrorPage());
    setTimeout(() => p.setUpstream(upstream), OUTAGE_MS);
  } else {
    const fault: Fault = kind === "reset" ? { kind: "reset" } : { kind: "status", status: 503 };
    p.setPolicy(() => (Date.now() < outageEnd ? fault : PASS));
  }
  dir = mkdtempSync(join(tmpdir(), "inferlog-outage-"));
  const lost = new Set<string>();
  client = createClient({
    endpoint,
    source: "svc",
    model: { name: "m", version: "1" },
    spool: { dir, fsync: "never" },
    compression: false, // the test collector reads plain JSON
    onError: () => {},
    onDrop: (d) => {
      if (d.reason === "spool_full") for (const id of d.ids) lost.add(id);
    },
  });
  const c = client;

  // Arrival times of deliveries, sampled every 20 ms, and the memory in use during the outage.
  const arrivals: { at: number; count: number }[] = [];
  let memoryPeak = 0;
  let backlogPeak = 0;
  const sampler = setInterval(() => {
    const count = collector?.unique.length ?? 0;
    if (count > (arrivals[arrivals.length - 1]?.count ?? 0)) arrivals.push({ at: Date.now(), count });
    const s = c.stats();
    const backlog = s.spool?.backlog ?? 0;
    memoryPeak = Math.max(memoryPeak, s.queued - backlog + s.inFlight);
    backlogPeak = Math.max(backlogPeak, backlog);
  }, 20);

  const chunks = 20;
  for (let k = 0; k < chunks; k++) {
    for (let i = (k * N) / chunks; i < ((k + 1) * N) / chunks; i++) {
      c.logPrediction({ predictionId: `p-${i}`, output: { label: "a", score: 0.5 } });
    }
    await new Promise((r) => setTimeout(r, LOG_MS / chunks));
  }
  await new Promise((r) => setTimeout(r, 50));
  const onDisk = idsOnDisk(dir); // every event is on disk: nothing was delivered yet

  await collector.waitFor(() => (collector?.unique.length ?? 0) + lost.size >= N, 120_000, "every event");
  clearInterval(sampler);
  const flushed = await c.flush({ timeoutMs: 10_000 });
  return { flushed, onDisk, lost, arrivals, memoryPeak, backlogPeak, recoveredAt: outageEnd, stats: c.stats() };
}

function check(r: Awaited<ReturnType<typeof outage>>) {
  const server = collector as TestServer;
  expect(r.flushed).toMatchObject({ ok: true, pending: 0 });
  // Exactly once: each id once, each prediction once.
  const byId = server.counts();
  expect([...byId.values()].filter((n) => n > 1)).toEqual([]);
  const unique = server.unique;
  const subjects = unique.map((e) => e.subject as string);
  expect(new Set(subjects).size).toBe(unique.length);
  expect(unique.length + r.lost.size).toBe(N);
  expect(r.stats.dropped.total).toBe(r.lost.size);
  expect(r.stats.dropped.spool_full).toBe(r.lost.size);
  // The ids they were given when logged (read from the spool before anything was delivered).
  expect(r.onDisk.size).toBe(N - r.lost.size);
  for (const e of unique) expect(e.id).toBe(r.onDisk.get(e.subject as string));
  // Memory held its bound (the queue, plus the log calls the intake holds before preparing them,
  // at most INTAKE_HIGH_WATER: core/src/intake.ts); the rest waited on disk.
  expect(r.memoryPeak).toBeLessThanOrEqual(DEFAULT_MAX_QUEUE_SIZE + INTAKE_HIGH_WATER);
  expect(r.backlogPeak).toBeGreaterThan(0);
  // Oldest first: an event arrives ahead of an older one only by the batches on the wire at once.
  const window = DEFAULT_NODE_MAX_CONCURRENCY * DEFAULT_FLUSH_AT;
  const ahead = subjects.map((s, position) => Number(s.slice(2)) - position);
  expect(Math.max(...ahead)).toBeLessThanOrEqual(window);
  // No stall after recovery: no gap between deliveries longer than the breaker's cooldown + 1 s.
  let last = r.recoveredAt;
  let gap = 0;
  for (const a of r.arrivals) {
    if (a.at < r.recoveredAt) continue;
    gap = Math.max(gap, a.at - last);
    last = a.at;
  }
  console.info(
    `[outage] lost ${r.lost.size}, memory peak ${r.memoryPeak}, backlog peak ${r.backlogPeak}, longest gap after recovery ${gap} ms, all delivered ${last - r.recoveredAt} ms after recovery`,
  );
  expect(gap).toBeLessThanOrEqual(DEFAULT_CIRCUIT_COOLDOWN_MS + 1_000);
}

describe("outage with the spool on: 20,000 predictions over 3 s, 5 s of faults", () => {
  it("connection resets", async () => {
    check(await outage("reset"));
    expect(proxy?.counts.reset).toBeGreaterThan(0);
  }, 180_000);

  it("503", async () => {
    check(await outage("503"));
    expect(proxy?.counts.status).toBeGreaterThan(0);
  }, 180_000);

  it("503 with an HTML body (a load balancer's error page)", async () => {
    check(await outage("503-html"));
  }, 180_000);
});
