import type { Client, ExposureInput, FeedbackInput } from "@inferlog/core";
import { isInferlogError } from "@inferlog/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createExposureTracker } from "./exposure.js";
import { createClient } from "./index.js";
import type { BrowserClientOptions } from "./options.js";

/**
 * What `trackExposure` reads of the caller's input, and when: once, at the call. The app may reuse or
 * revoke its object after that (docs/delivery.md); an input that cannot be read then is refused like
 * any invalid event. Node has no `document`: the page counts as visible and is never left.
 */

interface SentEvent {
  type: string;
  data: Record<string, unknown>;
}

/** A production client on a `fetch` that answers like the collector and keeps every event it is sent. */
function recordingClient(options: Partial<BrowserClientOptions> = {}) {
  const sent: SentEvent[] = [];
  const errors: string[] = [];
  const drops: string[] = [];
  const fetch = (async (_url: unknown, init?: RequestInit) => {
    const events = JSON.parse(String(init?.body)) as SentEvent[];
    sent.push(...events);
    return new Response(JSON.stringify({ accepted: events.length }), { status: 200 });
  }) as typeof globalThis.fetch;
  const client = createClient({
    endpoint: "http://127.0.0.1:1/v1/events",
    persistence: false,
    logger: false,
    fetch,
    onError: (error) => errors.push(error.message),
    onDrop: (drop) => drops.push(drop.reason),
    ...options,
  });
  return { client, sent, errors, drops };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("trackExposure reads its input once", () => {
  it("sends the feedback for the prediction tracked, though the app reuses its input object after an await", async () => {
    const { client, sent } = recordingClient();
    const input = { predictionId: "pred-A", modelName: "model-A", shown: ["a", "b"], surface: "s" };
    const x = client.trackExposure(input);
    await nextTask();
    // The app's next suggestion, in the same object.
    Object.assign(input, { predictionId: "pred-B", modelName: "model-B" });
    input.shown.splice(0, 2, "z");
    expect(x.accept()).toBe(true);
    await client.flush();
    expect(sent.map((e) => [e.type, e.data.predictionId, e.data.modelName])).toEqual([
      ["ml.exposure", "pred-A", "model-A"],
      ["ml.feedback", "pred-A", "model-A"],
    ]);
    expect(sent[1]?.data).toMatchObject({ action: "accepted", candidateId: "a", position: 0 });
  });

  it("an input revoked after the call (an immer draft's Proxy): accept() logs the feedback and throws nothing", async () => {
    const { client, sent, errors } = recordingClient();
    const { proxy, revoke } = Proxy.revocable({ predictionId: "pred-R", shown: ["a", "b"], surface: "s" }, {});
    const x = client.trackExposure(proxy);
    await nextTask();
    revoke();
    expect(x.accept("b")).toBe(true);
    expect(x.state).toBe("accepted");
    await client.flush();
    expect(sent.map((e) => [e.type, e.data.predictionId])).toEqual([
      ["ml.exposure", "pred-R"],
      ["ml.feedback", "pred-R"],
    ]);
    expect(sent[1]?.data).toMatchObject({ action: "accepted", candidateId: "b", position: 1 });
    expect(errors).toEqual([]);
  });

  it("in a tab opened in the background, logs the exposure as it was when tracked once the tab is shown", () => {
    vi.stubGlobal("document", { visibilityState: "hidden" });
    const exposures: unknown[] = [];
    const feedback: FeedbackInput[] = [];
    const client = {
      logExposure: (input: ExposureInput) => exposures.push(structuredClone(input)),
      logFeedback: (input: FeedbackInput) => feedback.push(input),
    } as unknown as Client;
    const tracker = createExposureTracker(client, () => {});
    const input = { predictionId: "bg-1", shown: ["a", { id: "b", position: 1 }], surface: "s" };
    tracker._track(input);
    Object.assign(input, { predictionId: "bg-2", surface: "other" });
    (input.shown[1] as { id: string }).id = "changed";
    tracker._pageVisible(true);
    tracker._pageLeft();
    expect(exposures).toEqual([{ predictionId: "bg-1", shown: ["a", { id: "b", position: 1 }], surface: "s" }]);
    expect(feedback.map((f) => [f.predictionId, f.action])).toEqual([["bg-1", "ignored"]]);
  });
});

describe("trackExposure with an input that cannot be read", () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({ predictionId: "rv", shown: ["a"], surface: "s" }, {});
    revoke();
    return proxy;
  };
  const unreadable: [string, ExposureInput][] = [
    [
      "a throwing `shown` getter",
      {
        predictionId: "getter-1",
        get shown(): string[] {
          throw new Error("shown boom");
        },
        surface: "s",
      },
    ],
    [
      "a Proxy whose traps throw",
      new Proxy({} as ExposureInput, {
        get() {
          throw new Error("proxy boom");
        },
        ownKeys() {
          throw new Error("keys boom");
        },
      }),
    ],
    ["a revoked Proxy", revoked()],
  ];

  it("is counted as invalid and told to onError, and its handle does nothing", async () => {
    const { client, sent, errors, drops } = recordingClient();
    for (const [name, input] of unreadable) {
      const logged = client.stats().logged;
      const x = client.trackExposure(input);
      expect([name, x.accept(), x.state]).toEqual([name, false, "open"]);
      expect([name, client.stats().logged]).toEqual([name, logged + 1]);
    }
    expect(errors).toEqual([
      "Reading the trackExposure input threw: shown boom",
      "Reading the trackExposure input threw: keys boom",
      "Reading the trackExposure input threw: Cannot perform 'ownKeys' on a proxy that has been revoked",
    ]);
    expect(drops).toEqual(["invalid", "invalid", "invalid"]);
    await client.flush();
    const stats = client.stats();
    expect(stats).toMatchObject({ logged: 3, sent: 0, queued: 0, inFlight: 0, dropped: { total: 3, invalid: 3 } });
    expect(sent).toEqual([]);
  });

  it("throws it with `strict: true` (development), counted as well", () => {
    const { client } = recordingClient({ strict: true });
    let thrown: unknown;
    try {
      client.trackExposure(revoked());
    } catch (error) {
      thrown = error;
    }
    expect(isInferlogError(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      code: "invalid",
      message: "Reading the trackExposure input threw: Cannot perform 'ownKeys' on a proxy that has been revoked",
    });
    expect(client.stats().dropped.invalid).toBe(1);
  });
});

describe("open exposures at page hide", () => {
  it("one whose onChange throws is reported, and the others still end as `ignored`", () => {
    const feedback: string[] = [];
    const client = {
      logExposure: () => {},
      logFeedback: (input: FeedbackInput) => feedback.push(`${input.predictionId}:${input.action}`),
    } as unknown as Client;
    const reported: [string, unknown][] = [];
    const tracker = createExposureTracker(client, (what, cause) => reported.push([what, cause]));
    const broken = new Error("the app's onChange broke");
    tracker._track(
      { predictionId: "bad-1", shown: ["a"], surface: "s" },
      {
        onChange: (state) => {
          if (state === "ignored") throw broken;
        },
      },
    );
    tracker._track({ predictionId: "good-1", shown: ["a"], surface: "s" });
    expect(() => tracker._pageLeft()).not.toThrow();
    expect(feedback).toEqual(["bad-1:ignored", "good-1:ignored"]);
    expect(reported).toEqual([["Updating an exposure", broken]]);
  });
});
