import { describe, expect, it } from "vitest";
import { sampleHash } from "./sampling.js";
import { createSubjectKeyer } from "./subject-key.js";
import { predictionInput, setup } from "./test-helpers.js";

describe("sampling, redaction and beforeSend", () => {
  it("samples by prediction id: a prediction and its linked events are kept or dropped together", async () => {
    const { client, transport } = setup({ sampleRate: 0.3 });
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const { predictionId } = client.logPrediction(predictionInput(i));
      ids.push(predictionId);
      client.logFeedback({ predictionId, action: "accepted" });
      client.logOutcome({ predictionId, label: "x" });
    }
    await client.flush();
    const kept = ids.filter((id) => sampleHash(id) < 0.3);
    const bySubject = new Map<string, string[]>();
    for (const e of transport.events)
      bySubject.set(e.subject ?? "", [...(bySubject.get(e.subject ?? "") ?? []), e.type]);
    expect([...bySubject.keys()].sort()).toEqual([...kept].sort());
    for (const types of bySubject.values()) expect(types).toEqual(["ml.prediction", "ml.feedback", "ml.outcome"]);
    expect(transport.events.every((e) => e.samplerate === 0.3)).toBe(true);
    expect(client.stats().dropped.sampled_out).toBe(3 * (400 - kept.length));
    expect(kept.length).toBeGreaterThan(80);
    expect(kept.length).toBeLessThan(160);
  });

  it("applies feature deny and allow lists before anything is serialized", async () => {
    const { client, transport } = setup({ features: { deny: ["email"] } });
    client.logPrediction({ output: { label: "x" }, features: { email: "a@b.c", age: 41 } });
    const allow = setup({ features: { allow: ["age"] } });
    allow.client.logFeatures({ features: { email: "a@b.c", age: 41, zip: "1000" } });
    await Promise.all([client.flush(), allow.client.flush()]);
    expect(transport.events[0]?.data).toMatchObject({ features: { age: 41 } });
    expect(transport.body()).not.toContain("a@b.c");
    expect(allow.transport.events[0]?.data).toMatchObject({ features: { age: 41 } });
    expect(allow.transport.batches[0]?.body).not.toContain("1000");
  });

  it("lets beforeSend edit or drop an event, and counts the drops", async () => {
    const { client, transport } = setup({
      beforeSend: (e) => (e.type === "ml.feedback" ? null : { ...e, source: "edited" }),
    });
    const { predictionId } = client.logPrediction(predictionInput());
    client.logFeedback({ predictionId, action: "accepted" });
    await client.flush();
    expect(transport.events.map((e) => [e.type, e.source])).toEqual([["ml.prediction", "edited"]]);
    expect(client.stats().dropped.before_send).toBe(1);
  });

  it("validates what beforeSend returns", async () => {
    const { client, transport, errors } = setup({ beforeSend: (e) => ({ ...e, source: "" }) });
    client.logPrediction(predictionInput());
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(errors[0]?.message).toContain("`source`");
  });

  it("hashes user ids into subject keys with the app's secret", () => {
    const key = createSubjectKeyer("a-secret-of-at-least-16-bytes");
    const other = createSubjectKeyer("another-secret-of-16-bytes");
    expect(key("user-1")).toMatch(/^[0-9a-f]{32}$/);
    expect(key("user-1")).toBe(key("user-1"));
    expect(key("user-1")).not.toBe(key("user-2"));
    expect(key("user-1")).not.toBe(other("user-1"));
    expect(() => createSubjectKeyer("short")).toThrow(/at least 16 bytes, got 5 bytes/);
  });
});
