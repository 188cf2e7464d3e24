/**
 * The local HTTP collector every subject posts to (127.0.0.1, port 0). It accepts each
 * SDK's ingest route, decompresses (br, gzip, deflate), parses the payload to count events and their ids
 * (see payloads.ts), and records wire bytes. It can answer 503, or stop listening so
 * connections are refused, and come back on the same port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { parserFor } from "./payloads.js";

/**
 * `503`: a JSON 503; `503html`: a 503 with an HTML body, as a load balancer sends it;
 * `reset`: the socket is destroyed as soon as a request arrives (no answer at all);
 * `refuse`: the port is closed.
 */
export type CollectorMode = "ok" | "503" | "503html" | "reset" | "refuse";

export interface CollectorCounts {
  /** Events in accepted (2xx) requests, duplicates included. */
  received: number;
  /** Distinct sequence numbers among them: the events delivered. */
  delivered: number;
  /** received - delivered: copies of an event seen more than once on the wire. */
  duplicatesOnWire: number;
  /** Copies a collector deduplicating on the SDK's event id could NOT remove (new id, or no id). */
  duplicatesAfterDedup: number;
  /** Compressed request body bytes of accepted requests. */
  wireBytes: number;
  requests: number;
  /** Requests answered 503 while in outage mode. */
  refused503: number;
  /** Requests to routes no subject should use (e.g. feature-flag polling). */
  otherRequests: number;
  unparsable: number;
  /** Requests whose socket was destroyed unanswered in `reset` mode. */
  resets: number;
}

const reply = (path: string, n: number): string => {
  if (path.endsWith("/v1/events")) return JSON.stringify({ accepted: n, rejected: [] });
  if (path.startsWith("/batch") || path.startsWith("/i/v0/e")) return '{"status":1}';
  if (path.endsWith("/api/public/ingestion")) return '{"successes":[],"errors":[]}';
  return "{}";
};

export async function startPeerCollector() {
  let mode: CollectorMode = "ok";
  const seqs = new Set<number>();
  const keys = new Set<string>();
  let occurrence = 0;
  const zero = (): CollectorCounts => ({
    received: 0,
    delivered: 0,
    duplicatesOnWire: 0,
    duplicatesAfterDedup: 0,
    wireBytes: 0,
    requests: 0,
    refused503: 0,
    otherRequests: 0,
    unparsable: 0,
    resets: 0,
  });
  let c = zero();
  let waiters: { n: number; resolve: (atMs: number) => void }[] = [];
  /** performance.now() of each accepted request that brought at least one new event. */
  let arrivals: number[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const path = req.url ?? "/";
    if (mode === "503" || mode === "503html") {
      c.refused503++;
      if (mode === "503") res.writeHead(503, { "content-type": "application/json" }).end('{"error":"unavailable"}');
      else
        res
          .writeHead(503, { "content-type": "text/html" })
          .end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
      return;
    }
    const parse = parserFor(path);
    if (!parse) {
      c.otherRequests++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    let events: ReturnType<typeof parse>;
    try {
      const enc = req.headers["content-encoding"];
      const body =
        enc === "gzip"
          ? gunzipSync(raw)
          : enc === "br"
            ? brotliDecompressSync(raw)
            : enc === "deflate"
              ? inflateSync(raw)
              : raw;
      events = parse(JSON.parse(body.toString("utf8")));
    } catch {
      c.unparsable++;
      res.writeHead(400).end();
      return;
    }
    c.requests++;
    c.wireBytes += raw.length;
    for (const e of events) {
      c.received++;
      if (e.seq !== undefined) seqs.add(e.seq);
      keys.add(e.id ?? `occurrence:${occurrence++}`);
    }
    if (seqs.size > c.delivered) arrivals.push(performance.now());
    c.delivered = seqs.size;
    c.duplicatesOnWire = c.received - c.delivered;
    c.duplicatesAfterDedup = keys.size - c.delivered;
    const now = performance.now();
    for (const w of waiters) if (c.delivered >= w.n) w.resolve(now);
    waiters = waiters.filter((w) => c.delivered < w.n);
    res.writeHead(200, { "content-type": "application/json" }).end(reply(path, events.length));
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (mode === "reset") {
      c.resets++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    base: `http://127.0.0.1:${port}`,
    counts: (): CollectorCounts => ({ ...c }),
    reset() {
      c = zero();
      seqs.clear();
      keys.clear();
      arrivals = [];
    },
    /** The longest time without a newly delivered event between `fromMs` and the last delivery. */
    longestGapAfter(fromMs: number): number {
      let last = fromMs;
      let longest = 0;
      for (const t of arrivals) {
        if (t < fromMs) continue;
        longest = Math.max(longest, t - last);
        last = t;
      }
      return longest;
    },
    /** performance.now() of the first delivery at or after `fromMs`, if any. */
    firstDeliveryAfter(fromMs: number): number | undefined {
      return arrivals.find((t) => t >= fromMs);
    },
    /** Resolves with performance.now() at the moment `n` distinct events have arrived. */
    waitFor(n: number): Promise<number> {
      if (c.delivered >= n) return Promise.resolve(performance.now());
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async setMode(next: CollectorMode) {
      if (next === mode) return;
      if (next === "refuse") {
        await new Promise<void>((r) => {
          server.close(() => r());
          for (const s of sockets) s.destroy();
        });
      } else if (mode === "refuse") {
        await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
      }
      mode = next;
    },
    close: () =>
      new Promise<void>((r) => {
        if (mode === "refuse") return r();
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

export type PeerCollector = Awaited<ReturnType<typeof startPeerCollector>>;
