import { describe, expect, it } from "vitest";
import { createTransport, type HttpRequest, type MakeRequest } from "./fetch-transport.js";
import { createAbortController } from "./runtime.js";

/**
 * Core's half of every HTTP transport (the browser's and `createFetchTransport` supply only the
 * request function): the request's shape, the credential, the status, masking, timeout and abort.
 */
const request = (signal = createAbortController().signal) => ({
  body: '[{"id":"e1"}]',
  contentType: "application/cloudevents-batch+json",
  eventCount: 1,
  idempotencyKey: "key-1",
  attempt: 1,
  signal,
});

/** A request function that records what it was asked and answers from `replies` in turn. */
function scripted(replies: ({ status: number; body?: string; retryAfter?: string } | Error)[]) {
  const seen: HttpRequest[] = [];
  const makeRequest: MakeRequest = async (req) => {
    seen.push(req);
    const reply = replies.shift() ?? { status: 200 };
    if (reply instanceof Error) throw reply;
    return { status: reply.status, retryAfter: reply.retryAfter ?? null, body: reply.body ?? "" };
  };
  return { seen, makeRequest };
}

describe("createTransport(options, makeRequest)", () => {
  it("builds the request: POST to the endpoint, the caller's headers, content type, idempotency key, bearer key", async () => {
    const { seen, makeRequest } = scripted([{ status: 200, body: '{"accepted":1}' }]);
    const transport = createTransport(
      { endpoint: "https://c.example/v1/events", apiKey: "pk_1", headers: { "x-team": "ml" } },
      makeRequest,
    );
    expect(await transport.send(request())).toEqual({ kind: "ok" });
    expect(seen).toHaveLength(1);
    const [sent] = seen as [HttpRequest];
    expect(sent.url).toBe("https://c.example/v1/events");
    expect(sent.method).toBe("POST");
    expect(sent.body).toBe('[{"id":"e1"}]');
    expect(sent.headers).toEqual({
      "x-team": "ml",
      "content-type": "application/cloudevents-batch+json",
      "idempotency-key": "key-1",
      authorization: "Bearer pk_1",
    });
  });

  it("reads the status: Retry-After, too large, and a refusal with the key masked in its body", async () => {
    const { makeRequest } = scripted([
      { status: 429, retryAfter: "3" },
      { status: 413 },
      { status: 400, body: "headers were authorization: Bearer pk_secret_123456" },
    ]);
    const transport = createTransport(
      { endpoint: "https://c.example/v1/events", apiKey: "pk_secret_123456" },
      makeRequest,
    );
    expect(await transport.send(request())).toEqual({ kind: "retry", status: 429, afterMs: 3000, reason: "HTTP 429" });
    expect(await transport.send(request())).toEqual({ kind: "too-large" });
    const refused = await transport.send(request());
    expect(refused.kind).toBe("fatal");
    const message = refused.kind === "fatal" ? refused.error.message : "";
    expect(message).toContain("pk_sec…");
    expect(message).not.toContain("pk_secret_123456");
  });

  it("asks getToken once, sends the token, and asks again after a 401", async () => {
    const { seen, makeRequest } = scripted([{ status: 200 }, { status: 401 }, { status: 200 }]);
    let minted = 0;
    const transport = createTransport(
      { endpoint: "https://c.example/v1/events", getToken: () => `tok-${++minted}` },
      makeRequest,
    );
    expect((await transport.send(request())).kind).toBe("ok");
    expect(await transport.send(request())).toEqual({
      kind: "retry",
      status: 401,
      reason: "HTTP 401 (token expired?)",
    });
    expect((await transport.send(request())).kind).toBe("ok");
    expect(seen.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("turns a throw into a retry with the key masked and the runtime's hint", async () => {
    const { makeRequest } = scripted([new TypeError("connect to pk_secret_123456 failed")]);
    const transport = createTransport(
      {
        endpoint: "https://c.example/v1/events",
        apiKey: "pk_secret_123456",
        networkHint: (e) => (e instanceof TypeError ? "is the collector running?" : undefined),
      },
      makeRequest,
    );
    expect(await transport.send(request())).toEqual({
      kind: "retry",
      reason: "fetch threw: connect to pk_sec… failed",
      hint: "is the collector running?",
    });
  });

  it("aborts the request on its timeout and when the batch's signal aborts", async () => {
    const signals: HttpRequest["signal"][] = [];
    const hang: MakeRequest = (req) =>
      new Promise((_, reject) => {
        signals.push(req.signal);
        req.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      });
    const transport = createTransport({ endpoint: "https://c.example/v1/events", timeoutMs: 50 }, hang);
    expect(await transport.send(request())).toEqual({ kind: "retry", reason: "timed out after 50 ms" });
    const batch = createAbortController();
    const pending = createTransport({ endpoint: "https://c.example/v1/events", timeoutMs: 60_000 }, hang).send(
      request(batch.signal),
    );
    batch.abort();
    expect(await pending).toEqual({ kind: "retry", reason: "fetch threw: aborted" });
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });
});
