import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

export interface Received {
  ids: string[];
  subjects: string[];
  headers: IncomingHttpHeaders;
  /** Which TCP connection carried the request (1-based, in order of opening). */
  connection: number;
  /** Bytes on the wire (compressed, if the client compressed). */
  wireBytes: number;
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | "reset" | "hang";

/**
 * A stand-in collector on 127.0.0.1: records every request (decompressed), answers with
 * `reply` (default 200 with an accepted count), and can reset or hang connections.
 * A Content-Encoding not in `encodings` gets 415, as a collector that cannot read it would answer.
 */
export class TestCollector {
  readonly received: Received[] = [];
  reply: (req: Received, n: number) => Reply = (r) => ({
    status: 200,
    body: JSON.stringify({ accepted: r.ids.length }),
  });
  /** Requests being handled now, and the most seen at once. */
  active = 0;
  maxActive = 0;
  /** Content codings this collector reads; others get 415 (and are counted in `refused`). */
  encodings = new Set(["br", "gzip"]);
  refused: string[] = [];
  /** Milliseconds to wait before answering. */
  delayMs = 0;
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private connections = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/events`;
  }

  /** Every event id received, with repeats. */
  get ids(): string[] {
    return this.received.flatMap((r) => r.ids);
  }

  get subjects(): string[] {
    return this.received.flatMap((r) => r.subjects);
  }

  get connectionCount(): number {
    return this.connections;
  }

  /** Listens on `port` (0 = any free port; pass the old one to come back up at the same address). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on("connection", (s: Socket & { inferlogConn?: number }) => {
      s.inferlogConn = ++this.connections;
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and cuts every open connection (a collector that went down). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const enc = req.headers["content-encoding"];
      if (enc !== undefined && !this.encodings.has(enc)) {
        this.refused.push(enc);
        res.writeHead(415, { "content-type": "application/json" }).end(`{"error":"Unsupported Content-Encoding"}`);
        return;
      }
      const body = (enc === "gzip" ? gunzipSync(raw) : enc === "br" ? brotliDecompressSync(raw) : raw).toString("utf8");
      const events = JSON.parse(body) as { id: string; subject?: string }[];
      const rec: Received = {
        ids: events.map((e) => e.id),
        subjects: events.map((e) => e.subject ?? ""),
        headers: req.headers,
        connection: (req.socket as Socket & { inferlogConn?: number }).inferlogConn ?? 0,
        wireBytes: raw.length,
        body,
      };
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const reply = this.reply(rec, this.received.length);
      if (reply === "reset") {
        req.socket.destroy();
        return;
      }
      if (reply === "hang") return; // never answer; the client's timeout must end it
      // Only what the collector answered 2xx counts as received.
      if (reply.status >= 200 && reply.status < 300) this.received.push(rec);
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body ?? "");
    } finally {
      this.active--;
    }
  }
}

/** How many times each value occurs. */
export function counts(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}
