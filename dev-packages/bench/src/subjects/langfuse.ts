import { Langfuse } from "langfuse";
import type { Subject } from "./subject.js";

export const langfuse: Subject = {
  name: "langfuse",
  pkg: "langfuse",
  config: "new Langfuse({ baseUrl, flushAt: batch }) — one trace per prediction; no compression or queue-size option",
  shutdownCall: "await langfuse.shutdownAsync()",
  create({ base, batchSize }) {
    const client = new Langfuse({ publicKey: "pk-bench", secretKey: "sk-bench", baseUrl: base, flushAt: batchSize });
    client.on("error", () => {});
    return {
      log: (p) => {
        client.trace({ name: "prediction", input: p.features, output: p.output });
      },
      flush: () => client.flushAsync(),
      shutdown: () => client.shutdownAsync(),
    };
  },
};
