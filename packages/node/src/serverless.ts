/**
 * Serverless wrappers. Runtime-free on purpose (no undici, no node:*), so edge
 * runtimes can import `@inferlog/node/serverless` with a fetch-based client.
 */
import { checkOption } from "@inferlog/core/lite";

export interface Flushable {
  flush(options?: { timeoutMs?: number }): Promise<unknown>;
}

export interface WrapHandlerOptions<A extends unknown[]> {
  /** Longest the flush may add to a response (default 2 s). */
  timeoutMs?: number;
  /**
   * Hand the flush to the platform instead of awaiting it: Vercel's `waitUntil`,
   * Cloudflare's `ctx.waitUntil`. Receives the handler's arguments to find the context.
   */
  waitUntil?: (flush: Promise<unknown>, ...args: A) => void;
}

export const DEFAULT_HANDLER_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Wraps an async handler so everything it logged is sent before its result is
 * returned (AWS Lambda freezes the process as soon as it returns), or handed to
 * `waitUntil` where the platform keeps the instance alive for background work.
 * Errors from the handler are rethrown after the flush.
 */
export function wrapHandler<A extends unknown[], R>(
  client: Flushable,
  handler: (...args: A) => R | Promise<R>,
  options: WrapHandlerOptions<A> = {},
): (...args: A) => Promise<R> {
  checkOption(typeof client?.flush === "function", "client", "an inferlog client with a flush() method", client);
  checkOption(typeof handler === "function", "handler", "a function", handler);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDLER_FLUSH_TIMEOUT_MS;
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } finally {
      const flushed = client.flush({ timeoutMs });
      let handedOff = false;
      if (options.waitUntil) {
        try {
          options.waitUntil(flushed, ...args);
          handedOff = true;
        } catch {
          // No usable waitUntil on this invocation: fall back to flushing before returning.
        }
      }
      if (!handedOff) await flushed;
    }
  };
}
