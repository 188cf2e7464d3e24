import type { TransportRequest } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "../test/collector.js";
import { encodeBody } from "./gzip.js";
import { createUndiciTransport, type UndiciTransport } from "./undici-transport.js";

const events = (n: number) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, subject: `p-${i}`, data: { label: "billing" } })),
  );
const req = (text: string, n: number): TransportRequest => ({
  body: text,
  contentType: "application/cloudevents-batch+json",
  eventCount: n,
  idempotencyKey: "k",
  attempt: 1,
  signal: new AbortController().signal,
});

let collector: TestCollector;
let transport: UndiciTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await collector?.stop();
});

describe("gzip", () => {
  it("compresses a large body, the server gets the same bytes back, and the wire is smaller", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url });
    const text = events(200);
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    const r = collector.received[0];
    expect(r?.headers["content-encoding"]).toBe("gzip");
    expect(r?.body).toBe(text);
    expect(r?.ids).toHaveLength(200);
    expect(r?.wireBytes).toBeLessThan(Buffer.byteLength(text) / 5);
  });

  it("leaves bodies under minBytes alone, and everything alone when off", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url, gzip: { minBytes: 100_000 } });
    const text = events(200);
    await transport.send(req(text, 200));
    await transport.close();
    transport = createUndiciTransport({ endpoint: collector.url, gzip: false });
    await transport.send(req(text, 200));
    expect(collector.received.map((r) => [r.headers["content-encoding"], r.wireBytes])).toEqual([
      [undefined, Buffer.byteLength(text)],
      [undefined, Buffer.byteLength(text)],
    ]);
  });

  it("measures the threshold in UTF-8 bytes", async () => {
    expect((await encodeBody("é".repeat(600), { minBytes: 1024 })).encoding).toBe("gzip"); // 1200 bytes
    expect((await encodeBody("e".repeat(600), { minBytes: 1024 })).encoding).toBeUndefined();
    expect((await encodeBody("e".repeat(5000), false)).encoding).toBeUndefined();
  });
});
