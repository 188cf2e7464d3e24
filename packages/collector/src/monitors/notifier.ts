import type { Logger } from "../http/handler.js";
import type { AlertEvent } from "./alert-event.js";
import { SIGNATURE_HEADER, signatureOf, webhookBody } from "./webhook-body.js";
import {
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type NotificationsConfig,
  type WebhookTarget,
  webhookLabel,
} from "./webhooks-config.js";

/** First retry after about this long; doubled per attempt (with jitter), capped at MAX_BACKOFF_MS. */
export const BASE_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 60_000;

export interface NotifierOptions {
  config: NotificationsConfig;
  logger: Logger;
  fetch?: typeof fetch;
  /** Waits between attempts (tests pass one that records the delays). */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter of each backoff. */
  random?: () => number;
}

export interface NotifierStats {
  delivered: number;
  /** Gave up: a status that retrying cannot fix, or every attempt failed. */
  failed: number;
  /** Dropped from a full queue. */
  dropped: number;
  queued: number;
}

export interface Notifier {
  /** Queues the event for every webhook and returns at once: delivery never holds up the caller. */
  notify(event: AlertEvent): void;
  /** Resolves once every queued delivery has finished (delivered or given up), or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  stats(): NotifierStats;
}

type Attempt = { kind: "ok" } | { kind: "retry"; afterMs?: number; why: string } | { kind: "fatal"; why: string };
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Webhook delivery: one queue and one sender per webhook, so a slow target delays only its own
 * deliveries; each attempt has a timeout; retries back off exponentially; queues are bounded.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  const random = options.random ?? Math.random;
  const counts = { delivered: 0, failed: 0, dropped: 0 };
  const idle = new Set<() => void>();

  async function attempt(target: WebhookTarget, body: string, event: AlertEvent, count: number): Promise<Attempt> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "inferlog-collector",
      "x-inferlog-event-id": event.id,
      "x-inferlog-delivery-attempt": String(count),
    };
    if (target.secret) headers[SIGNATURE_HEADER] = signatureOf(body, target.secret);
    try {
      const res = await doFetch(target.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(target.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { kind: "ok" };
      const why = `HTTP ${res.status}`;
      if (RETRY_STATUS.has(res.status)) {
        const afterMs = retryAfterMs(res.headers.get("retry-after"));
        return afterMs === undefined ? { kind: "retry", why } : { kind: "retry", why, afterMs };
      }
      return { kind: "fatal", why };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const why = name === "TimeoutError" ? "timed out" : error instanceof Error ? error.message : String(error);
      return { kind: "retry", why };
    }
  }

  async function deliver(target: WebhookTarget, event: AlertEvent): Promise<void> {
    const body = webhookBody(event);
    const max = target.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS;
    for (let count = 1; ; count++) {
      const result = await attempt(target, body, event, count);
      if (result.kind === "ok") {
        counts.delivered++;
        return;
      }
      if (result.kind === "fatal" || count >= max) {
        counts.failed++;
        options.logger.error(
          `inferlog-collector: ${webhookLabel(target)} did not take alert ${event.id} (${event.status} ${event.monitorId}) after ${count} attempt${count === 1 ? "" : "s"}: ${result.why}`,
        );
        return;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (count - 1)) * (0.5 + random() / 2);
      await sleep(
        result.kind === "retry" && result.afterMs !== undefined ? Math.min(result.afterMs, MAX_BACKOFF_MS) : backoff,
      );
    }
  }

  const queues = options.config.webhooks.map((target) => ({
    target,
    waiting: [] as AlertEvent[],
    busy: false,
    warned: false,
  }));
  const queued = () => queues.reduce((total, query) => total + query.waiting.length + (query.busy ? 1 : 0), 0);

  async function pump(query: (typeof queues)[number]): Promise<void> {
    if (query.busy) return;
    query.busy = true;
    try {
      for (let event = query.waiting.shift(); event; event = query.waiting.shift()) await deliver(query.target, event);
    } finally {
      query.busy = false;
      query.warned = false;
      if (queued() === 0) for (const done of idle) done();
    }
  }

  return {
    notify(event) {
      for (const query of queues) {
        if (query.waiting.length >= options.config.queueSize) {
          query.waiting.shift();
          counts.dropped++;
          if (!query.warned) {
            query.warned = true;
            options.logger.warn(
              `inferlog-collector: ${webhookLabel(query.target)} is behind: ${options.config.queueSize} alerts waiting, dropping the oldest`,
            );
          }
        }
        query.waiting.push(event);
        void pump(query);
      }
    },
    async drain(timeoutMs) {
      if (queued() === 0) return;
      let done = () => {};
      const finished = new Promise<void>((resolve) => {
        done = resolve;
        idle.add(done);
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([finished, timeout]);
      clearTimeout(timer);
      idle.delete(done);
    },
    stats: () => ({ ...counts, queued: queued() }),
  };
}
