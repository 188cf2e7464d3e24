/**
 * The only file in core that reads host globals. Each one is a web standard that
 * Node 20, browsers, Deno, Bun and worker runtimes all provide, so core never
 * imports `node:*` or touches the DOM.
 */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

interface Host {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /**
   * Node, Bun and Deno's check phase: the next turn of the loop, without the 1 ms a 0 ms timer
   * waits in Node (one more wake-up of the loop per intake slice). Called as `setTimeout` is, so
   * `fn` also gets the 0, which it ignores.
   */
  setImmediate?(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  queueMicrotask(fn: () => void): void;
  crypto?: { getRandomValues<T extends Uint8Array>(array: T): T };
  console?: { warn(...args: unknown[]): void };
}

const host = globalThis as unknown as Host;

/** Wall clock whose timers never keep a process alive (`unref` where the runtime has it). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = host.setTimeout(fn, ms);
    (handle as { unref?: () => void } | undefined)?.unref?.();
    return handle;
  },
  clearTimeout: (handle) => host.clearTimeout(handle),
};

export const queueMicrotask = (fn: () => void): void => host.queueMicrotask(fn);

/** Runs `fn` in a later task, after pending I/O and timers get their turn; never keeps a process alive. */
export const nextTask = (fn: () => void): void => {
  ((host.setImmediate ?? host.setTimeout)(fn, 0) as { unref?: () => void } | undefined)?.unref?.();
};

export function fillRandom(bytes: Uint8Array): Uint8Array {
  if (host.crypto?.getRandomValues) return host.crypto.getRandomValues(bytes);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(Math.random() * 256);
  return bytes;
}

export const consoleWarn = (message: string): void => host.console?.warn(`[inferlog] ${message}`);

export interface AbortControllerLike {
  readonly signal: import("./transport.js").AbortSignalLike;
  abort(reason?: unknown): void;
}

export const createAbortController = (): AbortControllerLike =>
  new (globalThis as unknown as { AbortController: new () => AbortControllerLike }).AbortController();

/**
 * Resolves after `ms`, or sooner when `signal` (if any) aborts or `wakeOn` calls the wake-up it is given
 * (`wakeOn` returns how to unregister it). Never rejects.
 */
export const sleep = (
  clock: Clock,
  ms: number,
  signal: import("./transport.js").AbortSignalLike | undefined,
  wakeOn?: (wake: () => void) => () => unknown,
): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      unregister?.();
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    const unregister = wakeOn?.(done);
  });
