import { Analytics } from "@segment/analytics-node";
import type { Subject } from "./subject.js";

export const segment: Subject = {
  name: "@segment/analytics-node",
  pkg: "@segment/analytics-node",
  config: "new Analytics({ writeKey, host, flushAt: batch }) — no compression option, queue has no size option",
  shutdownCall: "await analytics.closeAndFlush()",
  create({ base, batchSize }) {
    const analytics = new Analytics({ writeKey: "bench", host: base, flushAt: batchSize });
    analytics.on("error", () => {});
    let n = 0;
    return {
      log: (p) => analytics.track({ userId: `user-${n++ % 100}`, event: "prediction", properties: p }),
      flush: () => analytics.flush(),
      shutdown: () => analytics.closeAndFlush(),
    };
  },
};
