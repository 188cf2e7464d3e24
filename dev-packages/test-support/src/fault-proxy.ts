/**
 * A fault-injecting HTTP proxy on loopback, between an SDK and the collector. Each request gets
 * one fault, chosen by the queue (`inject`) or else by the policy (`setPolicy`): the faults are
 * the ways a network and a collector really fail, so the SDK's retry and the collector's dedup
 * meet them for real, over real sockets.
 */

import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { seededRandom } from "./seeded-random.js";

export type Fault =
  /** Forward and answer as the collector did. */
  | { kind: "pass" }
  /** Forward after a delay. */
  | { kind: "latency"; ms: number }
  /** TCP reset before anything reaches the collector. */
  | { kind: "reset" }
  /** The collector stores the batch, then the connection resets before the reply: the SDK must resend. */
  | { kind: "lose-reply" }
  /** Never answer: the SDK's own timeout must fire. */
  | { kind: "stall" }
  /** Forward, then send the status line, headers and half the body, and cut the connection. */
  | { kind: "partial" }
  /** Answer with this status (and `Retry-After`) without reaching the collector; by default a JSON error body. */
  | { kind: "status"; status: number; retryAfter?: string; body?: string; contentType?: string };

export type FaultKind = Fault["kind"];
export type Policy = (requestNo: number) => Fault;

const PASS: Fault = { kind: "pass" };
/** Headers that describe one connection, not the message: the proxy re-frames the body itself. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"]);

export class FaultProxy {
  /** Requests seen, by the fault they got. */
  readonly counts: Record<FaultKind | "upstream_down", number> = {
    pass: 0,
    latency: 0,
    reset: 0,
    "lose-reply": 0,
    stall: 0,
    partial: 0,
    status: 0,
    upstream_down: 0,
  };
  requests = 0;
  /** How many times each event id was forwarded to the collector (resends included). */
  readonly forwardedIds = new Map<string, number>();
  private upstream: URL;
  private readonly queue: Fault[] = [];
  private policy: Policy = () => PASS;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(upstream: string) {
    this.upstream = new URL(upstream);
  }

  /** Listens on 127.0.0.1:0; resolves with the proxy's origin. */
  async start(): Promise<string> {
    const s = createServer({ keepAliveTimeout: 5_000 }, (req, res) => this.handle(req, res));
    s.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    this.server = s;
    return this.url;
  }

  get url(): string {
    if (!this.server) throw new Error("FaultProxy is not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Points at another collector (a restarted one on a new port). */
  setUpstream(url: string): void {
    this.upstream = new URL(url);
  }

  /** The next `times` requests get `fault`, before the policy applies again. */
  inject(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.agent.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const n = this.requests++;
    const fault = this.queue.shift() ?? this.policy(n);
    this.counts[fault.kind]++;
    switch (fault.kind) {
      case "reset":
        // Read nothing, answer nothing: a RST is what a crashed peer or a middlebox drop looks like.
        req.socket.resetAndDestroy();
        return;
      case "stall":
        req.resume(); // take the body so the client believes it was sent, then say nothing
        return;
      case "status": {
        req.resume();
        req.once("end", () => {
          const body = fault.body ?? JSON.stringify({ error: `injected HTTP ${fault.status}` });
          res.writeHead(fault.status, {
            "content-type": fault.contentType ?? "application/json",
            "content-length": String(Buffer.byteLength(body)),
            ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }),
          });
          res.end(body);
        });
        return;
      }
      case "latency":
        setTimeout(() => this.forward(req, res, fault), fault.ms);
        return;
      default:
        this.forward(req, res, fault);
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
    const headers = { ...req.headers, host: this.upstream.host };
    const up = httpRequest(
      {
        protocol: this.upstream.protocol,
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
      },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on("data", (c: Buffer) => chunks.push(c));
        upRes.on("end", () => this.reply(req, res, fault, upRes, Buffer.concat(chunks)));
        upRes.on("error", () => req.socket.destroy());
      },
    );
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.once("end", () => this.countIds(req, Buffer.concat(body)));
    up.on("error", () => {
      // The collector is down (a restart): the client sees what it would see without the proxy.
      this.counts.upstream_down++;
      req.socket.resetAndDestroy();
    });
    req.pipe(up);
  }

  private countIds(req: IncomingMessage, raw: Buffer): void {
    try {
      const enc = req.headers["content-encoding"];
      const text = (enc === "gzip" ? gunzipSync(raw) : enc === "br" ? brotliDecompressSync(raw) : raw).toString("utf8");
      const parsed: unknown = JSON.parse(text);
      for (const e of Array.isArray(parsed) ? parsed : [parsed]) {
        const id = (e as { id?: unknown } | null)?.id;
        if (typeof id === "string") this.forwardedIds.set(id, (this.forwardedIds.get(id) ?? 0) + 1);
      }
    } catch {
      // not a batch (hostile input tests): nothing to count
    }
  }

  /** Forwarded event copies beyond the first per id: what the collector had to deduplicate. */
  get resent(): number {
    let n = 0;
    for (const c of this.forwardedIds.values()) n += c - 1;
    return n;
  }

  private reply(req: IncomingMessage, res: ServerResponse, fault: Fault, upRes: IncomingMessage, body: Buffer): void {
    if (fault.kind === "lose-reply") {
      req.socket.resetAndDestroy();
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers["content-length"] = String(body.length);
    res.writeHead(upRes.statusCode ?? 502, headers);
    if (fault.kind === "partial") {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Let the half reach the client before the cut, so it is a truncated body, not a refused connection.
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    res.end(body);
  }
}

/** A policy that picks a fault by weight: `mixedFaults(seed, [[0.7, pass], [0.1, reset], ...])`. */
export function mixedFaults(seed: number, weights: readonly (readonly [number, Fault])[]): Policy {
  const rnd = seededRandom(seed);
  const total = weights.reduce((s, [w]) => s + w, 0);
  return () => {
    let r = rnd() * total;
    for (const [w, f] of weights) {
      r -= w;
      if (r < 0) return f;
    }
    return PASS;
  };
}
