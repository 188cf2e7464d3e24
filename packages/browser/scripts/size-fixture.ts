// The measured use: init, one prediction, one exposure, one feedback.
import { createClient } from "@inferlog/browser";

const client = createClient({ endpoint: "https://collect.example.com/v1/events", writeKey: "pk_demo" });
const { predictionId } = client.logPrediction({
  model: { name: "reply-suggester", version: "v1" },
  output: { candidates: [{ id: "a" }, { id: "b" }] },
});
const exposure = client.trackExposure({ predictionId, shown: ["a", "b"], surface: "reply-box", ignoreAfterMs: 30_000 });
exposure.accept("a");
