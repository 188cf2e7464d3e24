import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedEvent {
  id: string;
  type: string;
  subject?: string | undefined;
  data: Record<string, unknown>;
}

/**
 * A real HTTP server on 127.0.0.1:0 that serves the test page and the built bundle and
 * acts as the collector: it records every event id it receives (with how many times),
 * and can be switched "down" (503) and back.
 */
export class TestServer {
  readonly files = new Map<string, { type: string; body: string }>();
  /** Every event received, duplicates included, in arrival order. */
  readonly received: ReceivedEvent[] = [];
  requests = 0;
  down = false;
  private server: Server | undefined;
  private waiters: (() => void)[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    if (!this.server) throw new Error("server not started");
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Events after dedup by id, in first-arrival order. */
  get unique(): ReceivedEvent[] {
    const seen = new Map<string, ReceivedEvent>();
    for (const e of this.received) if (!seen.has(e.id)) seen.set(e.id, e);
    return [...seen.values()];
  }

  /** How many times each id arrived. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const e of this.received) m.set(e.id, (m.get(e.id) ?? 0) + 1);
    return m;
  }

  /** Resolves once `pred` holds (checked on each arrival), or rejects after `timeoutMs` with what arrived. */
  async waitFor(pred: () => boolean, timeoutMs = 15_000, what = "events"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; got ${this.unique.length} unique of ${this.received.length}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reset(): void {
    this.received.length = 0;
    this.requests = 0;
    this.down = false;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // CORS, for pages served from another origin than the collector.
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", "content-type, idempotency-key, authorization");
    res.setHeader("access-control-allow-methods", "POST");
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST" && path === "/v1/events") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.ingest(Buffer.concat(chunks).toString("utf8"), res));
      return;
    }
    const file = this.files.get(path);
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  }

  private ingest(body: string, res: ServerResponse): void {
    this.requests++;
    if (this.down) {
      res.writeHead(503, { "content-type": "text/plain" }).end("down");
      return;
    }
    let events: ReceivedEvent[];
    try {
      events = JSON.parse(body) as ReceivedEvent[];
    } catch {
      res.writeHead(400).end("bad json");
      return;
    }
    this.received.push(...events.map((e) => ({ id: e.id, type: e.type, subject: e.subject, data: e.data })));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: events.length }));
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
