import type { Client, ClientStats, EventValidator, ExposureInput } from "@inferlog/core";
import { checkHooks, createBaseClient, InferlogError, threw, uncheckedEvent } from "@inferlog/core/lite";
import { createExposureTracker, type ExposureHandle, type ExposureOptions } from "./exposure.js";
import { createBrowserTransport } from "./fetch-transport.js";
import { createKeepaliveBudget, KEEPALIVE_MAX_REQUESTS } from "./keepalive-budget.js";
import { gateOnline } from "./online-gate.js";
import { type BrowserClientOptions, checkBrowserOptions } from "./options.js";
import { watchPageLifecycle } from "./page-lifecycle.js";
import { createPersistence, type StorageStats } from "./persistence.js";

export interface BrowserClient extends Omit<Client, "stats"> {
  /** Logs an exposure and returns a handle for what the user does with it (see `ExposureHandle`). */
  trackExposure(input: ExposureInput, options?: ExposureOptions): ExposureHandle;
  /** Resolves once events that earlier pages left unsent are back in the queue (or there are none). */
  ready: Promise<void>;
  stats(): ClientStats & { storage: StorageStats };
}

/** Below this much room a page-close request would carry too little to be worth starting. */
const MIN_CLOSE_BODY = 256;

/**
 * The production build: events are checked against the wire contract by the collector, which
 * refuses a bad one by field (reported through `onError`, counted as `rejected`), so the page does
 * not carry the contract's code. The `development` build (`development.ts`) checks them in the page;
 * pass `validator` (`@inferlog/browser/validate`) to do that in production too.
 */
export function createClient(options: BrowserClientOptions): BrowserClient {
  return makeClient(options, uncheckedEvent);
}

/** The client, with the validator used when `options.validator` is not given. */
export function makeClient(options: BrowserClientOptions, defaultValidator: EventValidator): BrowserClient {
  checkBrowserOptions(options);
  const { endpoint, persistence, hooks } = options;
  checkHooks(hooks); // wrapped below, so core never sees the user's
  const budget = createKeepaliveBudget();
  const transport = gateOnline(createBrowserTransport({ ...options, timeoutMs: options.requestTimeoutMs }, budget));
  const warn = (message: string) =>
    options.logger !== false && (options.logger ?? console).warn(`[inferlog] ${message}`);
  const store = persistence === false ? undefined : createPersistence(persistence ?? {}, warn);
  const client = createBaseClient(
    {
      ...options,
      source: options.source ?? (typeof location === "undefined" ? "browser" : location.host || "browser"),
      transport,
      hooks: {
        onEnqueued(events) {
          store?._onEnqueued(events);
          hooks?.onEnqueued?.(events);
        },
        onSettled(events, outcome) {
          store?._onSettled(events, outcome);
          hooks?.onSettled?.(events, outcome);
        },
        isPersisted: store?._isPersisted,
      },
    },
    // No fused prepare step: the general one is the only prepare code in the bundle.
    { validator: defaultValidator },
  );
  // A page sending to a plain-http collector on another host is production traffic in the clear
  // (events and the write key); say so once, once core has checked `logger`. Loopback endpoints are
  // development and stay quiet.
  if (/^http:\/\/(?!(localhost|127\.\d+\.\d+\.\d+|\[::1\])([:/?#]|$))/i.test(endpoint))
    warn(`The endpoint ${endpoint} is plain http: events and the write key travel unencrypted; use https://`);
  /** What threw in the adapter's own work (page close, an exposure): told to `onError` and the logger, never to the page. */
  const report = (what: string, cause: unknown) => {
    const message = threw(what, cause);
    warn(message);
    try {
      options.onError?.(new InferlogError("internal", message, { cause }));
    } catch (error) {
      warn(threw("the onError callback", error));
    }
  };
  const exposures = createExposureTracker(client, report);

  // Page hide: send what fits in the keepalive budget, events not yet on disk first, each kind most
  // valuable first (the feedback of exposures the page is leaving among it); what no committed
  // IndexedDB write holds goes to the spill, even when the send failed.
  const deliverNow = () => {
    try {
      // With no room, sendNow only prepares (core's contract): what was just logged, that feedback among it,
      // is queued and stored even when no request has room, so the spill below sees it.
      client.sendNow({ maxBytes: 0, maxEvents: 0 });
      for (let index = 0; index < KEEPALIVE_MAX_REQUESTS; index++) {
        const room = budget.remaining();
        if (room < MIN_CLOSE_BODY || client.sendNow({ maxBytes: room, maxEvents: 1000 }) === 0) break;
      }
    } catch (error) {
      report("The page-close request", error);
    }
    try {
      store?._hide();
    } catch (error) {
      report("The page-hide spill", error);
    }
  };
  const unwatch = watchPageLifecycle({
    _hidden() {
      exposures._pageVisible(false);
      deliverNow();
    },
    _leaving: exposures._pageLeft,
    _shown() {
      exposures._pageVisible(true);
      store?._show();
    },
    _failed: (error) => report("A page lifecycle handler", error),
  });
  const ready = Promise.resolve(store?._start(client)).catch(() => undefined);
  return {
    ...client,
    trackExposure: (input, opts) => exposures._track(input, opts),
    ready,
    shutdown(opts) {
      unwatch();
      store?._stop();
      return client.shutdown(opts);
    },
    stats: () => ({
      ...client.stats(),
      storage: store?._stats() ?? {
        mode: "memory",
        persisted: 0,
        restored: 0,
        notPersisted: { storage_quota: 0, storage_error: 0 },
      },
    }),
  };
}
