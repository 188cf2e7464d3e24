import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "../store/types.js";
import type { CollectorMetrics } from "./metrics.js";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Times every request from arrival to the end of its response (or the socket closing first). */
export function observeRequests(metrics: CollectorMetrics, listener: Listener): Listener {
  return (req, res) => {
    const started = process.hrtime.bigint();
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = (req.url ?? "/").split("?")[0]!;
      // 0: the client went away before any answer was written.
      metrics.observeRequest(path, req.method, res.headersSent ? res.statusCode : 0, seconds);
    });
    listener(req, res);
  };
}

/**
 * The store with every `insertBatch` timed and counted. Wrapping the store (rather than each route)
 * measures every write whoever calls it, so coalesced writes are measured at their real size.
 */
export function observeStoreWrites(metrics: CollectorMetrics, store: Store): Store {
  const insertBatch: Store["insertBatch"] = (events) =>
    metrics.timeStoreWrite(events.length, () => store.insertBatch(events));
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "insertBatch") return insertBatch;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
