import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { createClient } from "../client.js";
import { createFetchTransport } from "../fetch-transport.js";
import { ndjsonEncoder } from "./ndjson.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

it("posts one CloudEvent per line as application/x-ndjson, as Vector, Fluent Bit and Logstash read it", async () => {
  const bodies: { type: string; body: string }[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    // Vector's http_server answers 200 with an empty body; the client must count that as delivered.
    req.on("end", () => {
      bodies.push({ type: req.headers["content-type"] ?? "", body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const ids: string[] = [];
  const client = createClient({
    transport: createFetchTransport({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    source: "svc",
    model: { name: "m", version: "1" },
    encoder: ndjsonEncoder,
    flushAt: 2,
    hooks: { onEnqueued: (q) => ids.push(...q.map((e) => e.id)) },
  });
  for (let i = 0; i < 3; i++) client.logPrediction({ output: { label: `l${i}` }, features: { note: `a\nb${i}` } });
  const r = await client.flush();
  expect(r).toMatchObject({ ok: true, sent: 3, dropped: 0 });
  expect(bodies.map((b) => b.type)).toEqual(["application/x-ndjson", "application/x-ndjson"]);
  const lines = bodies.flatMap((b) => {
    expect(b.body.endsWith("\n")).toBe(true);
    return b.body.slice(0, -1).split("\n");
  });
  expect(lines).toHaveLength(3);
  const events = lines.map((l) => JSON.parse(l) as { id: string; data: { features: { note: string } } });
  expect(events.map((e) => e.id)).toEqual(ids);
  expect(events.map((e) => e.data.features.note)).toEqual(["a\nb0", "a\nb1", "a\nb2"]);
});

it("encodes an empty batch as an empty body", () => {
  expect(ndjsonEncoder.encode([])).toBe("");
  expect(ndjsonEncoder.encode(['{"a":1}', '{"b":2}'])).toBe('{"a":1}\n{"b":2}\n');
});
