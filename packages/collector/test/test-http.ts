/** Test helpers for the HTTP surface: a real collector on 127.0.0.1:0 and a raw request helper. */
import { request } from "node:http";
import { type Collector, type CollectorOptions, createCollector } from "../src/collector.js";
import { type StoreFixture, storeFixture } from "./test-support.js";

export interface Running {
  collector: Collector;
  fx: StoreFixture;
  url: string;
  endpoint: string;
  stop(): Promise<void>;
}

export async function startCollector(
  kind: "sqlite" | "clickhouse",
  options: Omit<CollectorOptions, "store"> = {},
): Promise<Running> {
  const fx = storeFixture(kind);
  const collector = await createCollector({ store: await fx.open(), logger: quiet, ...options });
  const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
  return {
    collector,
    fx,
    url,
    endpoint: `${url}/v1/events`,
    stop: async () => {
      await collector.close({ timeoutMs: 2000 });
      await fx.cleanup();
    },
  };
}

export const quiet = { info: () => {}, warn: () => {}, error: () => {} };

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => unknown;
}

/** A request over node:http, so tests control every byte and header (fetch would add its own). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "POST", headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const BATCH = { "content-type": "application/cloudevents-batch+json" };

export const postBatch = (endpoint: string, events: unknown, headers: Record<string, string> = {}) =>
  rawRequest(endpoint, { headers: { ...BATCH, ...headers }, body: JSON.stringify(events) });
