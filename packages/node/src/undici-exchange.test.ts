import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "../test/collector.js";
import { exchange } from "./undici-exchange.js";
import { createUndiciTransport, type UndiciTransport } from "./undici-transport.js";

let collector: TestCollector;
let agent: Agent | undefined;
let transport: UndiciTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await agent?.destroy();
  agent = undefined;
  await collector?.stop();
});

const post = (body: string) => ({
  origin: new URL(collector.url).origin,
  path: "/v1/events",
  method: "POST" as const,
  headers: { "content-type": "application/cloudevents-batch+json" },
  body,
});
const event = (id: string) => JSON.stringify([{ id, subject: id }]);

describe("undici exchange", () => {
  it("reads a large reply whole, multi-byte characters across chunk boundaries included", async () => {
    collector = await new TestCollector().start();
    // 3-byte and 4-byte UTF-8 characters, far more than one socket read: some straddle two chunks.
    const text = "ü€😀".repeat(40_000);
    collector.reply = () => ({ status: 500, headers: { "x-note": "a" }, body: text });
    agent = new Agent();
    const reply = await exchange(agent, post(event("e1"))).reply;
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
    agent = new Agent({ connections: 1 });
    const first = exchange(agent, post(event("first")));
    first.reply.catch(() => {});
    await waitUntil(() => hung === 1);
    const second = exchange(agent, post(event("second")));
    second.abort();
    await expect(second.reply).rejects.toMatchObject({ code: "UND_ERR_ABORTED" });
    first.abort();
    await expect(first.reply).rejects.toMatchObject({ code: "UND_ERR_ABORTED" });
    // The connection the first request hung on is gone; the second was never written to it.
    await new Promise((r) => setTimeout(r, 100));
    expect(hung).toBe(1);
    expect(collector.received.length).toBe(0);
  });
});

describe("undici transport abortInFlight", () => {
  it("answers retry for every request on the wire and reports what they carried", async () => {
    collector = await new TestCollector().start();
    let hung = 0;
    collector.reply = () => {
      hung++;
      return "hang";
    };
    transport = createUndiciTransport({ endpoint: collector.url, connections: 1 });
    const signal = new AbortController().signal;
    const send = (n: number) =>
      (transport as UndiciTransport).send({
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
      expect.stringMatching(/UND_ERR_ABORTED/),
      expect.stringMatching(/UND_ERR_ABORTED/),
    ]);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
