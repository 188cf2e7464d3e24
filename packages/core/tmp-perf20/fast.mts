import { prediction } from "../../bench/src/prediction.ts";
import { fastPredictionJson } from "../src/fast-prediction.ts";
import { utf8Length } from "../src/utf8.ts";

const ctx = { source: "bench", model: { name: "router", version: "v1" }, sampleRate: 1, filter: {} } as any;
const N = 200_000;
const inputs = Array.from({ length: 1000 }, (_, i) => prediction(i));
let sink = 0;
for (let round = 0; round < 6; round++) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++)
    sink += utf8Length(
      fastPredictionJson(
        {
          type: "ml.prediction",
          input: inputs[i % 1000],
          at: 1765000000000 + (i >> 4),
          predictionId: "0190f2a4-1234-7abc-8def-0123456789ab",
        },
        "0190f2a4-1234-7abc-8def-0123456789ac",
        ctx,
      )!,
    );
  const u = process.cpuUsage(c0);
  if (round > 1) console.log(`${((u.user + u.system) / N).toFixed(2)} µs/event`);
}
