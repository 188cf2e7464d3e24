import { createHmac } from "node:crypto";
import type { InferlogEvent } from "@inferlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prediction, STORE_KINDS, type StoreFixture, storeFixture, T0_MS } from "../../test/test-support.js";
import { type Receiver, startReceiver } from "../../test/webhook-receiver.js";
import type { Store } from "../store/types.js";
import { createMonitorRunner, type MonitorRunner } from "./monitor-runner.js";
import { createNotifier, type Notifier } from "./notifier.js";
import { parseMonitorsConfig } from "./rules.js";
import { parseNotificationsConfig } from "./webhooks-config.js";

const MIN = 60_000;
const SECRET = "whsec-test-0123456789abcdef";
const config = parseMonitorsConfig({
  intervalSeconds: 60,
  fireAfter: 2,
  resolveAfter: 2,
  rules: [{ id: "desk-silent", kind: "no_events", source: "test-app", minutes: 10 }],
});
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe.each(STORE_KINDS)("monitors on %s with a webhook", (kind) => {
  let fx: StoreFixture;
  let stores: Store[];
  let receiver: Receiver;
  let clock: number;
  let notifier: Notifier;
  const open = async () => {
    const store = await fx.open();
    stores.push(store);
    return store;
  };
  const runner = async (instance: string): Promise<MonitorRunner> =>
    createMonitorRunner({
      store: await open(),
      config,
      notifier,
      logger: quiet,
      now: () => clock,
      instance,
      claimSettleMs: 1000,
    });
  const send = (store: Store, receivedMs: number) =>
    store.insertBatch([{ event: prediction() as unknown as InferlogEvent, receivedMs }]);
  const at = async (r: MonitorRunner, minutes: number) => {
    clock = T0_MS + minutes * MIN;
    const evaluation = await r.evaluate();
    await notifier.drain(5000);
    return evaluation;
  };
  const statuses = () => receiver.received.map((x) => x.json.status);

  beforeEach(async () => {
    fx = storeFixture(kind);
    stores = [];
    receiver = await startReceiver();
    notifier = createNotifier({
      config: parseNotificationsConfig({ webhooks: [{ url: receiver.url, secret: SECRET, name: "ops" }] }),
      logger: quiet,
      sleep: async () => {},
    });
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    await receiver.close();
    await fx.cleanup();
  });

  it("fires once after two bad evaluations and resolves once after two good ones", async () => {
    const r = await runner("a");
    await send(stores[0]!, T0_MS);
    expect((await at(r, 1)).observations.map((o) => o.verdict)).toEqual(["good"]);
    expect((await at(r, 11)).transitions).toEqual([]);
    const fired = await at(r, 12);
    expect(fired.transitions.map((t) => [t.status, t.monitorId, t.scopeKey])).toEqual([
      ["firing", "desk-silent", "source=test-app"],
    ]);
    expect(fired.firing.map((s) => s.monitorId)).toEqual(["desk-silent"]);
    await at(r, 13);
    await at(r, 14);
    expect(statuses()).toEqual(["firing"]);
    await send(stores[0]!, T0_MS + 14.5 * MIN);
    await at(r, 15);
    expect(statuses()).toEqual(["firing"]);
    const resolved = await at(r, 16);
    expect(resolved.transitions.map((t) => t.status)).toEqual(["resolved"]);
    expect(resolved.firing).toEqual([]);
    await at(r, 17);
    expect(statuses()).toEqual(["firing", "resolved"]);

    // The body: the alert, a Slack-compatible text, and an HMAC-SHA256 of the raw body in the header.
    const [first] = receiver.received;
    expect(first?.json).toMatchObject({
      type: "inferlog.alert",
      status: "firing",
      monitorId: "desk-silent",
      kind: "no_events",
      scope: { source: "test-app" },
      value: 12,
      threshold: 10,
      at: new Date(T0_MS + 12 * MIN).toISOString(),
      text: ":red_circle: FIRING desk-silent (source=test-app): last event from test-app 12 min ago (limit 10 min)",
    });
    const expected = `sha256=${createHmac("sha256", SECRET)
      .update(first?.body ?? "")
      .digest("hex")}`;
    expect(first?.headers["x-inferlog-signature"]).toBe(expected);
    expect(first?.headers["x-inferlog-event-id"]).toBe(first?.json.id);

    // Every firing and resolution is recorded in the store, newest first.
    const events = await r.tables.events(10);
    expect(events.map((e) => e.status)).toEqual(["resolved", "firing"]);
    expect(events[1]?.id).toBe(first?.json.id);
  });

  it("does not page a flapping metric, and counts a window once however often it is evaluated", async () => {
    const r = await runner("a");
    await send(stores[0]!, T0_MS);
    // bad, good, bad, good: never two bad in a row.
    await at(r, 11);
    await send(stores[0]!, T0_MS + 11.5 * MIN);
    await at(r, 12);
    await at(r, 22);
    await send(stores[0]!, T0_MS + 22.5 * MIN);
    await at(r, 23);
    expect(statuses()).toEqual([]);
    // Bad once, then the same window evaluated three more times: still one bad evaluation.
    clock = T0_MS + 40 * MIN;
    for (let i = 0; i < 4; i++) await r.evaluate();
    clock = T0_MS + 40.9 * MIN;
    await r.evaluate();
    await notifier.drain(5000);
    expect(statuses()).toEqual([]);
    const [state] = await r.tables.states();
    expect(state).toMatchObject({ status: "ok", bad: 1, good: 0, windowMs: T0_MS + 40 * MIN });
    await at(r, 41);
    expect(statuses()).toEqual(["firing"]);
  });

  it("resumes from the state in the store after a restart", async () => {
    const before = await runner("before-restart");
    await send(stores[0]!, T0_MS);
    await at(before, 11);
    await stores[0]!.close();
    stores.shift();
    const after = await runner("after-restart");
    expect((await after.tables.states()).map((s) => [s.status, s.bad])).toEqual([["ok", 1]]);
    const fired = await at(after, 12);
    expect(fired.transitions.map((t) => t.status)).toEqual(["firing"]);
    expect(statuses()).toEqual(["firing"]);
  });

  it("resolves a firing monitor once it is removed from the configuration", async () => {
    const r = await runner("a");
    await send(stores[0]!, T0_MS);
    await at(r, 11);
    await at(r, 12);
    const none = parseMonitorsConfig({ intervalSeconds: 60, defaults: false, rules: [] });
    const after = createMonitorRunner({
      store: stores[0]!,
      config: none,
      notifier,
      logger: quiet,
      now: () => clock,
      instance: "a",
    });
    const evaluation = await at(after, 13);
    expect(evaluation.resolvedRemoved).toEqual(["desk-silent"]);
    expect(receiver.received.map((x) => [x.json.status, x.json.summary])).toEqual([
      ["firing", "last event from test-app 12 min ago (limit 10 min)"],
      ["resolved", "the monitor is no longer in the configuration"],
    ]);
    expect((await at(after, 14)).transitions).toEqual([]);
  });

  it("with two instances on one store, one evaluates each window and the webhook gets one notification", async () => {
    const one = await runner("instance-1");
    const two = await runner("instance-2");
    await send(stores[0]!, T0_MS);
    for (const minutes of [11, 12, 13]) {
      clock = T0_MS + minutes * MIN;
      const [a, b] = await Promise.all([one.evaluate(), two.evaluate()]);
      expect([...a.evaluated, ...b.evaluated]).toEqual(["desk-silent"]);
      expect([...a.claimedElsewhere, ...b.claimedElsewhere]).toEqual(["desk-silent"]);
    }
    await notifier.drain(5000);
    expect(statuses()).toEqual(["firing"]);
    expect((await one.tables.events(10)).map((e) => e.status)).toEqual(["firing"]);
  });
});
