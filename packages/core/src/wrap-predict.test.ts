import { describe, expect, it } from "vitest";
import { ConfigError, type InferlogError } from "./errors.js";
import { setup } from "./test-helpers.js";
import { wrapPredict } from "./wrap-predict.js";

describe("wrapPredict", () => {
  it("returns the model's result and logs it with the measured latency and extracted features", async () => {
    const { client, transport } = setup({ flushIntervalMs: 0 });
    let t = 1000;
    const model = async (text: string) => {
      t += 37.5; // the model takes 37.5 ms on the injected clock
      return { label: text.includes("refund") ? "billing" : "other", score: 0.8 };
    };
    const logged: string[] = [];
    const predict = wrapPredict(model, {
      client,
      now: () => t,
      extract: (r, [text]) => ({ output: { label: r.label, score: r.score }, features: { length: text.length } }),
      onLogged: ({ predictionId, latencyMs }) => logged.push(`${predictionId}:${latencyMs}`),
    });
    expect(await predict("refund please")).toEqual({ label: "billing", score: 0.8 });
    await client.flush();
    const [p] = transport.eventsOfType("ml.prediction");
    expect(p!.data).toMatchObject({
      latencyMs: 37.5,
      output: { label: "billing", score: 0.8 },
      features: { length: 13 },
    });
    expect(logged).toEqual([`${p!.data.predictionId}:37.5`]);
  });

  it("rethrows the model's error unchanged and logs nothing", async () => {
    const { client, transport } = setup();
    const boom = new Error("model down");
    const predict = wrapPredict(
      async () => {
        throw boom;
      },
      { client, extract: () => ({ output: {} }) },
    );
    await expect(predict()).rejects.toBe(boom);
    await client.flush();
    expect(transport.events).toHaveLength(0);
  });

  it("still returns the result when extract throws, and says so through onError", async () => {
    const { client, transport } = setup();
    const errors: InferlogError[] = [];
    const predict = wrapPredict((x: number) => x * 2, {
      client,
      extract: () => {
        throw new Error("bad extract");
      },
      onError: (e) => errors.push(e),
    });
    expect(await predict(21)).toBe(42);
    await client.flush();
    expect(transport.events).toHaveLength(0);
    expect(errors.map((e) => [e.code, e.message, (e.cause as Error).message])).toEqual([
      ["integration", "wrapPredict could not log the prediction", "bad extract"],
    ]);
  });

  it("refuses bad arguments naming the field", () => {
    const { client } = setup();
    expect(() => wrapPredict(3 as never, { client, extract: () => ({ output: {} }) })).toThrow(ConfigError);
    expect(() => wrapPredict(3 as never, { client, extract: () => ({ output: {} }) })).toThrow(
      "Expected `fn` to be a function, got `3`",
    );
    expect(() => wrapPredict(async () => 1, { client, extract: Object.create(null) })).toThrow(
      "Expected `extract` to be a function (result, args) => PredictionInput, got `{}`",
    );
    expect(() => wrapPredict(async () => 1, { client, extract: undefined as never })).toThrow(
      "Expected `extract` to be a function (result, args) => PredictionInput, got `undefined`",
    );
    expect(() => wrapPredict(async () => 1, { client: {} as never, extract: () => ({ output: {} }) })).toThrow(
      "Expected `client` to be an inferlog client (with logPrediction)",
    );
  });
});
