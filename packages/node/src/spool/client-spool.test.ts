import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isConfigError } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { counts, TestCollector } from "../../test/collector.js";
import { createClient, type NodeClient, type NodeClientOptions } from "../create-client.js";

let collector: TestCollector;
let dir: string;
const clients: NodeClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown({ timeoutMs: 500 });
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const make = (o: Partial<NodeClientOptions> = {}) => {
  const errors: string[] = [];
  const c = createClient({
    endpoint: collector.url,
    source: "svc",
    model: { name: "m", version: "1" },
    spool: { dir, fsync: "never" },
    flushIntervalMs: 60_000,
    onError: (e) => errors.push(`${e.code}: ${e.message}`),
    ...o,
  });
  clients.push(c);
  return { c, errors };
};

describe("client with a spool", () => {
  it("keeps what shutdown could not send and delivers it, with the same ids, at the next start", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-cs-"));
    collector.reply = () => ({ status: 503 });
    const first = make({ minBackoffMs: 50, maxBackoffMs: 100 }).c;
    for (let i = 0; i < 50; i++) first.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    const r = await first.shutdown({ timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, spooled: 50 });
    expect(r.unsentIds).toHaveLength(50);
    expect(collector.ids).toEqual([]);

    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const second = make().c;
    expect(second.stats().spool).toMatchObject({ replayed: 50 });
    expect((await second.flush()).ok).toBe(true);
    expect([...collector.ids].sort()).toEqual([...r.unsentIds].sort());
    expect(collector.subjects.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `p-${i}`).sort());
    await second.shutdown();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a second client on the same spool.dir with a ConfigError naming it and the pid, until the first shut down", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-cs-"));
    collector.reply = () => ({ status: 503 });
    const first = make({ minBackoffMs: 50, maxBackoffMs: 100 }).c;
    for (let i = 0; i < 10; i++) first.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await Promise.resolve(); // on disk
    let refused: unknown;
    try {
      make();
    } catch (error) {
      refused = error;
    }
    expect(isConfigError(refused)).toBe(true);
    expect((refused as Error).message).toBe(
      `Could not open the spool in \`spool.dir\` (${dir}): another client in this process (pid ${process.pid}) uses it; shut that client down first, or give each client its own directory`,
    );
    expect(first.stats().spool).toMatchObject({ written: 10, corruptSegments: 0 });
    expect(await first.shutdown({ timeoutMs: 200 })).toMatchObject({ ok: false, spooled: 10 });

    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const second = make().c;
    expect(await second.flush()).toMatchObject({ ok: true, sent: 10 });
    expect(collector.subjects.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i}`).sort());
    await second.shutdown();
    expect(readdirSync(dir)).toEqual([]); // the lock went with the last client
  });

  it("replays a spool larger than the memory queue in chunks without dropping", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-cs-"));
    collector.reply = () => "hang";
    const first = make({ flushAt: 10 }).c;
    for (let i = 0; i < 200; i++) first.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await first.shutdown({ timeoutMs: 200 });
    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const second = make({ maxQueueSize: 30, flushAt: 10, flushIntervalMs: 10 }).c;
    for (let t = 0; t < 100 && collector.ids.length < 200; t++) await new Promise((r) => setTimeout(r, 50));
    expect(counts(collector.subjects).size).toBe(200);
    expect(collector.ids).toHaveLength(200);
    expect(second.stats().dropped.total).toBe(0);
  });

  it("starts and reports when a segment was torn by a crash, delivering what came before the damage", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-cs-"));
    collector.reply = () => "hang";
    const first = make().c;
    for (let i = 0; i < 10; i++) first.logPrediction({ predictionId: `p-${i}`, output: { label: "a" } });
    await first.shutdown({ timeoutMs: 100 });
    const log = join(dir, readdirSync(dir).find((f) => f.endsWith(".log")) as string);
    const bytes = readFileSync(log);
    writeFileSync(log, bytes.subarray(0, bytes.length - 40));
    collector.reply = (b) => ({ status: 200, body: JSON.stringify({ accepted: b.ids.length }) });
    const { c, errors } = make();
    await c.flush();
    expect(collector.subjects).toEqual(Array.from({ length: 9 }, (_, i) => `p-${i}`));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^spool_corrupt: Spool segment .* is damaged at byte \d+ \(truncated\)/);
    expect(c.stats().spool?.corruptSegments).toBe(1);
  });

  it("writes an event to disk a microtask after the log call, and flush() forces it", async () => {
    collector = await new TestCollector().start();
    dir = mkdtempSync(join(tmpdir(), "inferlog-cs-"));
    collector.reply = () => "hang";
    const { c } = make({ spool: { dir, fsync: "always" } });
    const onDisk = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".log"))
        .reduce((n, f) => n + readFileSync(join(dir, f), "utf8").split("\n").length - 1, 0);
    c.logPrediction({ predictionId: "p-1", output: { label: "a" } });
    expect(onDisk()).toBe(0);
    await Promise.resolve();
    expect(onDisk()).toBe(1);
    c.logPrediction({ predictionId: "p-2", output: { label: "a" } });
    void c.flush({ timeoutMs: 50 });
    expect(onDisk()).toBe(2);
  });
});
