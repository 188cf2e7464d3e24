import { PostHog } from "posthog-node";
import type { Subject } from "./subject.js";

export const posthog: Subject = {
  name: "posthog-node",
  pkg: "posthog-node",
  config: "new PostHog(key, { host, flushAt: batch, maxBatchSize: batch, maxQueueSize }) — gzip on by default",
  shutdownCall: "await posthog.shutdown()",
  create({ base, batchSize, maxQueue }) {
    const client = new PostHog("phc_bench", {
      host: base,
      flushAt: batchSize,
      maxBatchSize: batchSize,
      ...(maxQueue ? { maxQueueSize: maxQueue } : {}),
    });
    client.on("error", () => {});
    let n = 0;
    return {
      log: (p) => client.capture({ distinctId: `user-${n++ % 100}`, event: "prediction", properties: p }),
      flush: () => client.flush(),
      shutdown: () => client.shutdown(),
    };
  },
};
