import { createClient, createClientWith, type InferlogError } from "@inferlog/core";
import { FaultTransport, MemoryTransport } from "@inferlog/core/testing";
import { describe, expect, it } from "vitest";
import { createIntentServer, intentServerIntegration, trainIntentModel } from "./index.js";

const model = trainIntentModel(
  [
    { text: "I want a refund for my invoice", label: "billing" },
    { text: "charged twice on my card", label: "billing" },
    { text: "the app crashes when I log in", label: "tech" },
    { text: "error message on startup", label: "tech" },
    { text: "do you have a discount for teams", label: "sales" },
  ],
  { name: "intent-nb", version: "2026.11" },
);

function setup(transport = new MemoryTransport(), errors: InferlogError[] = []) {
  const integration = intentServerIntegration({ tags: { region: "eu" } });
  const client = createClientWith(
    createClient,
    { transport, source: "helpdesk", onError: (e) => errors.push(e), logger: { warn: () => {} } },
    [integration],
  );
  return { client, transport, server: createIntentServer(model, integration.monitor) };
}

describe("intent server with its inferlog integration", () => {
  it("logs each answer as a prediction with latency, probabilities and text features, not the text", async () => {
    const { client, transport, server } = setup();
    const a = await server.predict("Refund my invoice please?");
    expect(a.label).toBe("billing");
    await client.flush();
    const [p] = transport.eventsOfType("ml.prediction");
    expect(p!.data.predictionId).toBe(a.predictionId);
    expect(p!.data.model).toEqual({ name: "intent-nb", version: "2026.11" });
    expect(p!.data.task).toBe("multiclass");
    expect(p!.data.output).toEqual({ label: "billing", score: a.score, probabilities: a.probabilities });
    expect(p!.data.features).toEqual({ tokens: 4, question: true });
    expect(p!.data.tags).toEqual({ framework: "intent-server", region: "eu" });
    expect(p!.data.latencyMs).toBeGreaterThanOrEqual(0);
    expect(p!.data.latencyMs).toBeLessThan(1000);
    expect(transport.body()).not.toContain("Refund my invoice");
  });

  it("logs a correction as a human outcome joined by the prediction id", async () => {
    const errors: InferlogError[] = [];
    const { client, transport, server } = setup(new MemoryTransport(), errors);
    const a = await server.predict("my card was charged and the app crashes");
    server.correct(a.predictionId!, "tech");
    await client.flush();
    const [o] = transport.eventsOfType("ml.outcome");
    expect(o!.data).toMatchObject({
      predictionId: a.predictionId,
      modelName: "intent-nb",
      label: "tech",
      source: "human",
    });
  });

  it("keeps answering while the collector fails, and stops logging after shutdown", async () => {
    const transport = new FaultTransport([{ type: "status", status: 400, body: "no" }]);
    const errors: InferlogError[] = [];
    const { client, server } = setup(transport as unknown as MemoryTransport, errors);
    expect((await server.predict("refund")).label).toBe("billing");
    expect((await client.flush()).dropped).toBe(1);
    expect(errors.map((e) => e.name)).toEqual(["TransportError"]);
    await client.shutdown();
    const after = await server.predict("error on startup");
    expect(after.label).toBe("tech");
    expect(after.predictionId).toBeUndefined();
    expect(transport.attempts).toHaveLength(1);
  });

  it("answers unmonitored without the integration, and refuses bad input", async () => {
    const server = createIntentServer(model);
    expect(await server.predict("discount for teams")).toMatchObject({ label: "sales" });
    await expect(server.predict(42 as never)).rejects.toThrow("Expected `text` to be a string, got `number`");
  });
});
