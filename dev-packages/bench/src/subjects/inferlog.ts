import { join } from "node:path";
import { pathToFileURL } from "node:url";
// From core's zod-free entry, as @inferlog/node imports it: the cold start measures what the
// SDK's own import costs, not the zod schemas of core's full entry.
import { DEFAULT_FLUSH_AT, DEFAULT_MAX_QUEUE_SIZE } from "@inferlog/core/lite";
import type * as Installed from "@inferlog/node";
import { brotliAsNode } from "../node-brotli.js";
import type { Instance, Subject, SubjectConfig } from "./subject.js";

type NodeOptions = Parameters<typeof Installed.createClient>[0];

/**
 * `BENCH_INFERLOG_BUILD=<dir>`: measure the @inferlog/node built into `<dir>/node_modules` (a copy of
 * another build's dist), so compare-steady.ts can put two builds side by side in one run.
 */
const build = process.env.BENCH_INFERLOG_BUILD;
const { createClient, DEFAULT_NODE_MAX_CONCURRENCY }: typeof Installed = build
  ? await import(pathToFileURL(join(build, "node_modules/@inferlog/node/dist/index.js")).href)
  : await import("@inferlog/node");

export const inferlog: Subject = {
  name: "inferlog",
  pkg: "@inferlog/node",
  config:
    "createClient({ endpoint, flushAt: batch, maxQueueSize }) — brotli (quality 2) and 4 concurrent uploads by default",
  shutdownCall: "await client.shutdown()",
  create: (cfg) => create(cfg, {}),
};

/** The same client with `spool: { dir }`: events beyond the memory bound wait on disk. */
export const inferlogSpool: Subject = {
  ...inferlog,
  name: "inferlog (spool on)",
  config: `${inferlog.config}, plus spool: { dir } (a fresh temp directory)`,
  create: (cfg) => {
    if (!cfg.spoolDir) throw new Error("inferlog-spool needs spoolDir");
    return create(cfg, { spool: { dir: cfg.spoolDir } });
  },
};

/**
 * `BENCH_INFERLOG_OPTIONS`: JSON merged into the client's options (a compression setting, a
 * concurrency), so compare-steady.ts can measure variants of the defaults in one run.
 */
const variantOptions = (): Partial<NodeOptions> => JSON.parse(process.env.BENCH_INFERLOG_OPTIONS || "{}");

/**
 * `BENCH_INFERLOG_TRANSPORT`, to take the steady figure apart by layer (steady-layers.ts): `none`
 * answers every batch at once and sends nothing; `compress` first compresses the body as the undici
 * transport does by default (`brotliAsNode`). Unset: the real transport.
 */
function layerTransport(): Partial<NodeOptions> {
  const layer = process.env.BENCH_INFERLOG_TRANSPORT;
  if (!layer) return {};
  if (layer !== "none" && layer !== "compress")
    throw new Error(`BENCH_INFERLOG_TRANSPORT: none or compress, got ${layer}`);
  return {
    transport: {
      send: async (request) => {
        if (layer === "compress") brotliAsNode(request.body);
        return { kind: "ok" };
      },
    },
  };
}

function create({ base, batchSize, maxQueue }: SubjectConfig, extra: Partial<NodeOptions>): Instance {
  const client = createClient({
    ...extra,
    ...layerTransport(),
    endpoint: `${base}/v1/events`,
    source: "bench",
    model: { name: "router", version: "v1" },
    flushAt: batchSize,
    ...(maxQueue ? { maxQueueSize: maxQueue, maxQueueBytes: 1024 * 1024 * 1024 } : {}),
    logger: { warn: () => {} },
    ...variantOptions(),
  });
  return {
    log: (p) => {
      client.logPrediction(p);
    },
    flush: async () => {
      await client.flush({ timeoutMs: 120_000 });
    },
    shutdown: async () => {
      const r = await client.shutdown();
      const s = client.stats();
      return { ok: r.ok, unsent: r.unsentIds.length, sent: s.sent, dropped: s.dropped };
    },
    // The bound: the queue, plus the batches already taken out of it and retrying.
    held: () => {
      const s = client.stats();
      return {
        held: s.queued + s.inFlight,
        bound: (maxQueue ?? DEFAULT_MAX_QUEUE_SIZE) + DEFAULT_NODE_MAX_CONCURRENCY * (batchSize ?? DEFAULT_FLUSH_AT),
      };
    },
  };
}
