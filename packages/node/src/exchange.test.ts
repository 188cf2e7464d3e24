import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "../test/collector.js";
import type { Poster } from "./exchange.js";
import { createHttpTransport, type HttpTransport } from "./http-transport.js";
import { createUndiciPoster } from "./undici-exchange.js";

let collector: TestCollector;
let poster: Poster | undefined;
let agent: Agent | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await poster?.close();
  poster = undefined;
  await agent?.destroy();
  agent = undefined;
  await collector?.stop();
});

const headers = { "content-type": "application/cloudevents-batch+json" };
const event = (id: string) => JSON.stringify([{ id, subject: id }]);
const timeouts = { headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

/** The undici poster over an Agent of `connections` sockets at most. */
const posters: [string, (connections?: number) => Poster][] = [
  [
    "an undici dispatcher",
    (connections) => {
      agent = new Agent(connections === undefined ? {} : { connections });
      return createUndiciPoster(
        agent,
        new URL(collector.url),
        timeouts.headersTimeoutMs,
        timeouts.bodyTimeoutMs,
        false,
      );
    },
  ],
];

describe.each(posters)("exchange over %s", (_, createPoster) => {
  it("reads a large reply whole, multi-byte characters across chunk boundaries included", async () => {
    collector = await new TestCollector().start();
    // 3-byte and 4-byte UTF-8 characters, far more than one socket read: some straddle two chunks.
    const text = "ü€😀".repeat(40_000);
    collector.reply = () => ({ status: 500, headers: { "x-note": "a" }, body: text });
    poster = createPoster();
    const reply = await poster.post(headers, event("e1")).reply;
    expect(reply.statusCode).toBe(500);
    expect(reply.headers["x-note"]).toBe("a");
    expect(reply.text.length).toBe(text.length);
    expect(reply.text).toBe(text);
  });

  it("aborts a request still waiting for a connection: it rejects at once and never reaches the collector", async () => {
    collector = await new TestCollector().start();
    let hung = 0;
    collector.reply = (r) => {
      if (r.ids[0] !== "first") return { status: 200, body: "{}" };
      hung++;
      return "hang";
    };
    poster = createPoster(1);
    const first = poster.post(headers, event("first"));
    first.reply.catch(() => {});
    await waitUntil(() => hung === 1);
    const second = poster.post(headers, event("second"));
    second.abort();
    await expect(second.reply).rejects.toMatchObject({ code: "ABORTED" });
    first.abort();
    await expect(first.reply).rejects.toMatchObject({ code: "ABORTED" });
    // The connection the first request hung on is gone; the second was never written to it.
    await new Promise((r) => setTimeout(r, 100));
    expect(hung).toBe(1);
    expect(collector.received.length).toBe(0);
  });
});

describe("transport abortInFlight", () => {
  it("answers retry for every request on the wire and reports what they carried", async () => {
    collector = await new TestCollector().start();
    let hung = 0;
    collector.reply = () => {
      hung++;
      return "hang";
    };
    transport = createHttpTransport({ endpoint: collector.url, connections: 1 });
    const signal = new AbortController().signal;
    const send = (n: number) =>
      (transport as HttpTransport).send({
        body: event(`e${n}`),
        contentType: "application/cloudevents-batch+json",
        eventCount: n,
        idempotencyKey: `k${n}`,
        attempt: 1,
        signal,
      });
    const onWire = send(3);
    const queued = send(4); // waits behind the first on the one connection
    await waitUntil(() => hung === 1);
    expect(transport.abortInFlight()).toEqual({ requests: 2, events: 7 });
    const results = await Promise.all([onWire, queued]);
    expect(results.map((r) => r.kind)).toEqual(["retry", "retry"]);
    expect(results.map((r) => (r.kind === "retry" ? r.reason : ""))).toEqual([
      expect.stringMatching(/ABORTED/),
      expect.stringMatching(/ABORTED/),
    ]);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
