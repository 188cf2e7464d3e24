import type { Client } from "./client.js";
import { ConfigError, fnOption, InferlogError, checkOption as need } from "./errors.js";
import type { QueuedEvent } from "./event-queue.js";
import { checkHooks } from "./options.js";
import type { InferlogEvent } from "./schema/events.js";
import { showValue } from "./show-value.js";
import type { DropReason } from "./stats.js";

/**
 * What a library (a model server, a feature store, a UI kit) implements to plug into inferlog.
 * Every member but `name` is optional. A member that throws is reported through the client's
 * `onError` and otherwise ignored: an integration's bug never breaks logging or the host app.
 */
export interface Integration {
  /** Unique among a client's integrations, for example `"acme-feature-store"`. */
  readonly name: string;
  /** Runs once the client exists. Return a function to run after the client's `shutdown`. */
  setup?(client: Client): undefined | (() => void);
  /**
   * Edit an event before it is queued, or return null to drop it (counted as `before_send`).
   * Runs in registration order, after the user's own `beforeSend`; the result is validated after.
   */
  processEvent?(event: InferlogEvent): InferlogEvent | null;
  /** Events as they enter the send queue (already validated and serialized). */
  onEnqueued?(events: readonly QueuedEvent[]): void;
  /** Events as they leave it: `"sent"` or the reason they were dropped. */
  onSettled?(events: readonly QueuedEvent[], outcome: "sent" | DropReason): void;
}

/** The options every runtime's `createClient` shares with core's and that integrations hook into. */
export interface IntegrableOptions {
  beforeSend?: (event: InferlogEvent) => InferlogEvent | null;
  onError?: (error: InferlogError) => void;
  hooks?: {
    onEnqueued?: (events: readonly QueuedEvent[]) => void;
    onSettled?: (events: readonly QueuedEvent[], outcome: "sent" | DropReason) => void;
  };
}

function checkIntegrations(list: unknown): readonly Integration[] {
  need(Array.isArray(list), "integrations", "an array", list);
  const seen = new Set<string>();
  (list as Integration[]).forEach((it, index) => {
    need(
      it !== null && typeof it === "object" && typeof it.name === "string" && it.name.length > 0,
      `integrations[${index}]`,
      "an object with a non-empty `name`",
      it,
    );
    for (const key of ["setup", "processEvent", "onEnqueued", "onSettled"] as const) {
      if (it[key] !== undefined && typeof it[key] !== "function") {
        // Not checkOption's sentence: it also names the integration.
        throw new ConfigError(
          `Expected \`integrations[${index}].${key}\` (${it.name}) to be a function, got \`${showValue(it[key])}\``,
        );
      }
    }
    if (seen.has(it.name)) throw new ConfigError(`Expected integration names to be unique, got \`${it.name}\` twice`);
    seen.add(it.name);
  });
  return list as Integration[];
}

/**
 * Creates a client with integrations, for any runtime: pass that runtime's `createClient`
 * (`@inferlog/core`, `@inferlog/node`, `@inferlog/browser`). The user's own `beforeSend`,
 * `hooks` and `onError` still run; the integrations' run after them.
 */
export function createClientWith<O extends IntegrableOptions, C extends Client>(
  factory: (options: O) => C,
  options: O,
  integrations: readonly Integration[],
): C {
  const list = checkIntegrations(integrations);
  // Wrapped below, so the factory never sees the user's own.
  checkHooks(options.hooks);
  fnOption("beforeSend", options.beforeSend);
  let report: (error: InferlogError) => void = () => {};
  const guard = <A extends unknown[], R>(it: Integration, what: string, fn: (...left: A) => R, fallback: R) => {
    return (...left: A): R => {
      try {
        return fn(...left);
      } catch (cause) {
        report(new InferlogError("integration", `The ${it.name} integration's ${what} threw`, { cause }));
        return fallback;
      }
    };
  };
  const userBefore = options.beforeSend;
  const processors = list.filter((it) => it.processEvent);
  const enqueued = list.filter((it) => it.onEnqueued);
  const settled = list.filter((it) => it.onSettled);

  const wrapped: O = {
    ...options,
    beforeSend:
      processors.length === 0
        ? userBefore
        : (event: InferlogEvent) => {
            let entry: InferlogEvent | null = userBefore ? userBefore(event) : event;
            for (const it of processors) {
              if (entry === null || entry === undefined) return null;
              const current: InferlogEvent = entry;
              // A throwing integration leaves the event as it was.
              entry = guard(it, "processEvent", (item: InferlogEvent) => it.processEvent!(item), current)(current);
            }
            return entry ?? null;
          },
    hooks: {
      ...options.hooks,
      onEnqueued: (events: readonly QueuedEvent[]) => {
        options.hooks?.onEnqueued?.(events);
        for (const it of enqueued) guard(it, "onEnqueued", it.onEnqueued!.bind(it), undefined)(events);
      },
      onSettled: (events: readonly QueuedEvent[], outcome: "sent" | DropReason) => {
        options.hooks?.onSettled?.(events, outcome);
        for (const it of settled) guard(it, "onSettled", it.onSettled!.bind(it), undefined)(events, outcome);
      },
    },
  };
  if (userBefore === undefined && processors.length === 0) delete wrapped.beforeSend;
  report = (error) => options.onError?.(error);

  const client = factory(wrapped);
  const teardowns: (() => void)[] = [];
  for (const it of list) {
    if (!it.setup) continue;
    const td = guard(it, "setup", (client: Client) => it.setup!(client), undefined)(client);
    if (typeof td === "function") teardowns.push(guard(it, "teardown", td, undefined));
  }
  if (teardowns.length > 0) {
    const shutdown = client.shutdown.bind(client);
    client.shutdown = (opts) =>
      shutdown(opts).then((result) => {
        for (const td of teardowns.splice(0)) td();
        return result;
      });
  }
  return client;
}
