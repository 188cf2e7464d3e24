import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../../test/webhook-receiver.js";
import type { AlertEvent } from "./alert-event.js";
import { createNotifier } from "./notifier.js";
import { parseNotificationsConfig } from "./webhooks-config.js";

const SECRET = "whsec-never-in-logs-0123456789";
const event = (id: string): AlertEvent => ({
  id,
  status: "firing",
  monitorId: "accuracy-drop",
  kind: "quality_drop",
  scope: { model: "router", version: "v1" },
  scopeKey: "model=router version=v1",
  value: 12.5,
  threshold: 10,
  summary: "accuracy 70.0%, down 12.5 pts",
  windowStart: "2026-11-16T00:00:00.000Z",
  at: "2026-11-20T10:00:00.000Z",
});

describe("webhook notifier", () => {
  let receiver: Receiver;
  let logs: string[];
  let delays: number[];
  const logger = {
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(m),
    error: (m: string) => logs.push(m),
  };
  const notifier = (webhook: Record<string, unknown>, queueSize?: number) =>
    createNotifier({
      config: parseNotificationsConfig({
        webhooks: [{ url: receiver.url, secret: SECRET, ...webhook }],
        ...(queueSize ? { queueSize } : {}),
      }),
      logger,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
  beforeEach(async () => {
    receiver = await startReceiver();
    logs = [];
    delays = [];
  });
  afterEach(() => receiver.close());

  it("retries 503 and network-level failures with exponential backoff, then delivers", async () => {
    receiver.answers.push(503, 502, 429);
    const n = notifier({});
    n.notify(event("e1"));
    await n.drain(10_000);
    expect(receiver.received.map((r) => r.headers["x-inferlog-delivery-attempt"])).toEqual(["1", "2", "3", "4"]);
    // 1 s, 2 s, 4 s, each times the jitter factor 0.75 (random 0.5).
    expect(delays).toEqual([750, 1500, 3000]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(n.stats()).toEqual({ delivered: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it("honours Retry-After in seconds", async () => {
    receiver.answers.push(503);
    const n = createNotifier({
      config: parseNotificationsConfig({ webhooks: [{ url: receiver.url }] }),
      logger,
      sleep: async (ms) => {
        delays.push(ms);
      },
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        return res.status === 503 ? new Response(null, { status: 503, headers: { "retry-after": "7" } }) : res;
      },
    });
    n.notify(event("e2"));
    await n.drain(10_000);
    expect(delays).toEqual([7000]);
    expect(n.stats().delivered).toBe(1);
  });

  it("gives up on a 4xx at once and after maxAttempts otherwise, logging neither the secret nor the URL's path", async () => {
    receiver.answers.push(400, 500, 500);
    const n = notifier({ maxAttempts: 2, name: "ops" });
    n.notify(event("bad-request"));
    n.notify(event("server-down"));
    await n.drain(10_000);
    expect(receiver.received.map((r) => r.json.id)).toEqual(["bad-request", "server-down", "server-down"]);
    expect(n.stats()).toEqual({ delivered: 0, failed: 2, dropped: 0, queued: 0 });
    const origin = new URL(receiver.url).origin;
    expect(logs).toEqual([
      `inferlog-collector: webhook "ops" (${origin}) did not take alert bad-request (firing accuracy-drop) after 1 attempt: HTTP 400`,
      `inferlog-collector: webhook "ops" (${origin}) did not take alert server-down (firing accuracy-drop) after 2 attempts: HTTP 500`,
    ]);
    for (const line of logs) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain("secret-token");
    }
  });

  it("never holds up the caller: a hanging webhook times out in the background, and a full queue drops the oldest", async () => {
    receiver.answers.push("hang", "hang", "hang");
    const n = notifier({ timeoutMs: 300, maxAttempts: 1 }, 2);
    const started = performance.now();
    for (const id of ["a", "b", "c", "d"]) n.notify(event(id));
    // notify returned before any delivery finished: all four were queued or sending.
    expect(performance.now() - started).toBeLessThan(250);
    expect(n.stats()).toMatchObject({ delivered: 0, dropped: 1, queued: 3 });
    await n.drain(10_000);
    // "a" was sending; of b, c, d the queue of two kept c and d.
    expect(receiver.received.map((r) => r.json.id)).toEqual(["a", "c", "d"]);
    expect(n.stats()).toEqual({ delivered: 0, failed: 3, dropped: 1, queued: 0 });
    expect(logs.filter((l) => l.includes("timed out"))).toHaveLength(3);
    expect(logs.filter((l) => l.includes("dropping the oldest"))).toHaveLength(1);
  });
});

describe("notifications config", () => {
  it("names the field and never echoes a secret", () => {
    expect(() => parseNotificationsConfig({ webhooks: [{ url: "ftp://x" }] })).toThrow(
      "Invalid notifications config: `notifications.webhooks[0].url` must be an http:// or https:// URL",
    );
    let message = "";
    try {
      parseNotificationsConfig({ webhooks: [{ url: "https://hooks.example/x", secret: "short-secret" }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("`notifications.webhooks[0].secret` is too small: minimum 16");
    expect(message).not.toContain("short-secret");
    expect(() => parseNotificationsConfig({ webhook: [] })).toThrow(
      "Invalid notifications config: `notifications` has an unknown field `webhook`",
    );
  });
});
