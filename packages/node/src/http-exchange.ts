import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { abortedError, codedError, type Exchange, type Poster, type Reply } from "./exchange.js";

export interface HttpPosterOptions {
  connectTimeoutMs: number;
  /** Longest wait for the response headers once the request is written. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of the response body. */
  bodyTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections open at once at most (default: no limit). */
  connections: number | undefined;
}

/**
 * POSTs through `node:http` (or `node:https`) on a keep-alive Agent of our own. At a steady
 * 10,000 events/s it costs the app less CPU than undici's dispatch (docs/node.md, "CPU per
 * request"); an app that wants undici (a proxy, its own pool) passes `dispatcher` instead.
 */
export function createHttpPoster(url: URL, options: HttpPosterOptions): Poster {
  const secure = url.protocol === "https:";
  const agentOptions = {
    keepAlive: true,
    timeout: options.keepAliveTimeoutMs,
    maxSockets: options.connections ?? Number.POSITIVE_INFINITY,
  };
  const agent = secure
    ? new (unrefAgent(HttpsAgent, "secureConnect", options.connectTimeoutMs))(agentOptions)
    : new (unrefAgent(HttpAgent, "connect", options.connectTimeoutMs))(agentOptions);
  const send = secure ? httpsRequest : httpRequest;
  const target: RequestOptions = {
    agent,
    method: "POST",
    // `[::1]` in a URL is `::1` to the resolver.
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port,
    path: url.pathname + url.search,
  };
  return {
    post: (headers, body) => exchange(send({ ...target, headers }), body, options),
    async close() {
      agent.destroy();
    },
  };
}

function exchange(req: ClientRequest, body: string | Buffer, options: HttpPosterOptions): Exchange {
  let settle!: (reply: Reply) => void;
  let fail!: (error: Error) => void;
  const reply = new Promise<Reply>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let answering = false;
  const stop = (error: Error) => {
    fail(error); // first: a destroyed request's own error event comes later and finds the promise settled
    req.destroy(error);
  };
  req.on("error", fail);
  // Idle time on the socket, as undici bounds it: the wait for headers, then each wait for more body.
  req.setTimeout(options.headersTimeoutMs, () =>
    stop(
      answering
        ? codedError("BODY_TIMEOUT", `no more of the reply within ${options.bodyTimeoutMs} ms`)
        : codedError("HEADERS_TIMEOUT", `no reply headers within ${options.headersTimeoutMs} ms`),
    ),
  );
  req.on("response", (res) => {
    answering = true;
    if (options.bodyTimeoutMs !== options.headersTimeoutMs) req.setTimeout(options.bodyTimeoutMs);
    let text = "";
    res.setEncoding("utf8"); // characters split across chunks are joined whole
    res.on("data", (chunk: string) => {
      text += chunk;
    });
    res.on("end", () => settle({ statusCode: res.statusCode ?? 0, headers: res.headers, text }));
    res.on("close", () => {
      if (!res.complete)
        fail(codedError("ECONNRESET", "the collector closed the connection in the middle of its reply"));
    });
  });
  req.end(body);
  return {
    reply,
    abort: () => stop(abortedError()),
  };
}

/**
 * An Agent whose connections never keep the process alive on their own: Node refs a socket while
 * a request is on it, so a collector that accepts and never answers would hold the process open
 * for the full headers timeout. Whoever needs an answer holds the process itself (flush, shutdown
 * and the exit flush keep a timer for their budget). The connect timeout lives here too.
 */
function unrefAgent(
  Base: typeof HttpAgent,
  connected: "connect" | "secureConnect",
  connectTimeoutMs: number,
): typeof HttpAgent {
  return class extends Base {
    override createConnection(...args: Parameters<HttpAgent["createConnection"]>) {
      const socket = super.createConnection(...args) as Socket;
      socket.unref();
      socket.ref = function (this: Socket) {
        return this;
      };
      if (socket.connecting) {
        const timer = setTimeout(
          () => socket.destroy(codedError("CONNECT_TIMEOUT", `could not connect within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
        timer.unref();
        const done = () => clearTimeout(timer);
        socket.once(connected, done);
        socket.once("close", done);
      }
      return socket;
    }
  };
}
