import type { Diagnostics } from "./diagnostics.js";
import { type InferlogError, threw } from "./errors.js";
import type { QueuedEvent } from "./event-queue.js";
import type { ResolvedOptions } from "./options.js";
import { type ClientStats, DROP_REASONS, type DropReason } from "./stats.js";

export type Counters = Omit<ClientStats, "circuit" | "lastFailure" | "featureValues">;

/** The client's counters and its one way to report a drop, an error or a settled event. */
export interface Accounting {
  c: Counters;
  /** Calls the user's callback or hook `name`; if it throws, says so once and carries on. */
  _safely<T>(name: string, fn: ((item: T) => void) | undefined, element: T): void;
  drop(reason: DropReason, count: number, ids?: readonly string[]): void;
  error(inferlogError: InferlogError): void;
  /** Says `message` through the logger once for `key` (the diagnostics' bounded once). */
  _say(key: string, message: string): void;
  /** Events that left the client: counted as sent or dropped, and told to the `onSettled` hook. */
  _settled(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void;
}

/**
 * Every drop goes through `drop`, so no path can lose an event without counting it and telling
 * `onDrop`. Key order of the counters is the order of `stats()`.
 */
export function createAccounting(options: ResolvedOptions, diagnostics: Diagnostics): Accounting {
  const dropped = { total: 0 } as Counters["dropped"];
  for (const text of DROP_REASONS) dropped[text] = 0;
  const counters: Counters = {
    logged: 0,
    enqueued: 0,
    sent: 0,
    retried: 0,
    queued: 0,
    inFlight: 0,
    batchesSent: 0,
    bytesSent: 0,
    dropped,
  };
  // A throwing callback or hook must not break delivery; say so once per occurrence.
  const safely = <T>(name: string, fn: ((item: T) => void) | undefined, element: T): void => {
    try {
      fn?.(element);
    } catch (error) {
      options.logger.warn(threw(`the ${name} callback`, error));
    }
  };
  const drop = (reason: DropReason, count: number, ids: readonly string[] = []): void => {
    counters.dropped[reason] += count;
    counters.dropped.total += count;
    safely("onDrop", options.onDrop, { reason, count, ids });
    diagnostics.dropped(reason, count);
  };
  return {
    c: counters,
    _safely: safely,
    drop,
    error(inferlogError) {
      safely("onError", options.onError, inferlogError);
      diagnostics.error(inferlogError);
    },
    _say: diagnostics.once,
    _settled(events, outcome) {
      if (events.length === 0) return;
      if (outcome === "sent") counters.sent += events.length;
      else
        drop(
          outcome,
          events.length,
          events.map((event) => event.id),
        );
      safely("onSettled", (events) => options.hooks.onSettled?.(events, outcome), events);
    },
  };
}
