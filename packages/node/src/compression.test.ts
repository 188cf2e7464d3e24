import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { TransportRequest } from "@inferlog/core";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "../test/collector.js";
import {
  COMPRESS_IN_PLACE_MAX_BYTES,
  DEFAULT_COMPRESSION_MIN_BYTES,
  encodeBody,
  resolveCompression,
} from "./compression.js";
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

const DEFAULT = { encoding: "br", level: 2, minBytes: DEFAULT_COMPRESSION_MIN_BYTES } as const;

describe("compression", () => {
  it("sends brotli by default: the server reads the same bytes back, and the wire is far smaller", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url });
    const text = events(200);
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    const r = collector.received[0];
    expect(r?.headers["content-encoding"]).toBe("br");
    expect(r?.body).toBe(text);
    expect(r?.ids).toHaveLength(200);
    expect(r?.wireBytes).toBeLessThan(Buffer.byteLength(text) / 5);
  });

  it("sends gzip when asked", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url, compression: "gzip" });
    const text = events(200);
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    expect(collector.received[0]?.headers["content-encoding"]).toBe("gzip");
    expect(collector.received[0]?.body).toBe(text);
  });

  it("steps down br -> gzip -> none when the collector answers 415, and stays there", async () => {
    collector = await new TestCollector().start();
    collector.encodings = new Set(["gzip"]);
    transport = createUndiciTransport({ endpoint: collector.url });
    const text = events(200);
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    expect(collector.refused).toEqual(["br"]); // the second request went out as gzip at once
    expect(collector.received.map((r) => r.headers["content-encoding"])).toEqual(["gzip", "gzip"]);
    collector.encodings = new Set();
    expect(await transport.send(req(text, 200))).toEqual({ kind: "ok" });
    expect(collector.refused).toEqual(["br", "gzip"]);
    expect(collector.received[2]?.headers["content-encoding"]).toBeUndefined();
    expect(collector.received[2]?.body).toBe(text);
  });

  it("passes a 415 for an uncompressed body on as a refusal (not retried)", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => ({ status: 415, body: "no" });
    transport = createUndiciTransport({ endpoint: collector.url, compression: false });
    const r = await transport.send(req(events(200), 200));
    expect(r.kind).toBe("fatal");
  });

  it("leaves bodies under minBytes alone, and everything alone when off", async () => {
    collector = await new TestCollector().start();
    transport = createUndiciTransport({ endpoint: collector.url, compression: { minBytes: 100_000 } });
    const text = events(200);
    await transport.send(req(text, 200));
    await transport.close();
    transport = createUndiciTransport({ endpoint: collector.url, compression: false });
    await transport.send(req(text, 200));
    expect(collector.received.map((r) => [r.headers["content-encoding"], r.wireBytes])).toEqual([
      [undefined, Buffer.byteLength(text)],
      [undefined, Buffer.byteLength(text)],
    ]);
  });

  it("compresses large bodies on the thread pool with the same result", async () => {
    const big = events(20_000); // over COMPRESS_IN_PLACE_MAX_BYTES
    expect(big.length).toBeGreaterThan(COMPRESS_IN_PLACE_MAX_BYTES);
    for (const encoding of ["br", "gzip"] as const) {
      const out = await encodeBody(big, { encoding, level: encoding === "br" ? 3 : 6, minBytes: 1024 });
      expect(out.encoding).toBe(encoding);
      const back = encoding === "br" ? brotliDecompressSync(out.body as Buffer) : gunzipSync(out.body as Buffer);
      expect(back.toString("utf8")).toBe(big);
    }
  });

  it("measures the threshold in UTF-8 bytes", async () => {
    expect((await encodeBody("é".repeat(600), DEFAULT)).encoding).toBe("br"); // 1200 bytes
    expect((await encodeBody("e".repeat(600), DEFAULT)).encoding).toBeUndefined();
    expect((await encodeBody("e".repeat(5000), false)).encoding).toBeUndefined();
  });

  it("resolves the option, and names the field and the problem when it is wrong", () => {
    expect(resolveCompression(undefined)).toEqual(DEFAULT);
    expect(resolveCompression(true)).toEqual(DEFAULT);
    expect(resolveCompression(false)).toBe(false);
    expect(resolveCompression("gzip")).toEqual({ encoding: "gzip", level: 6, minBytes: 1024 });
    expect(resolveCompression({ encoding: "br", level: 11, minBytes: 0 })).toEqual({
      encoding: "br",
      level: 11,
      minBytes: 0,
    });
    expect(() => createUndiciTransport({ endpoint: "http://127.0.0.1:1/", compression: "zstd" as "br" })).toThrow(
      'Expected `compression.encoding` to be "br" or "gzip", got `"zstd"`',
    );
    expect(() => resolveCompression({ encoding: "gzip", level: 10 })).toThrow(
      "Expected `compression.level` to be an integer from 1 to 9 for gzip, got `10`",
    );
    expect(() => resolveCompression({ minBytes: -1 })).toThrow(
      "Expected `compression.minBytes` to be an integer >= 0, got `-1`",
    );
    expect(() => resolveCompression(null as unknown as boolean)).toThrow("Expected `compression` to be");
  });
});
