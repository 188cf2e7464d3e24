import type { FlushResult } from "@inferlog/core";

export const DEFAULT_EXIT_FLUSH_TIMEOUT_MS = 5_000;
export const DEFAULT_SIGNAL_TIMEOUT_MS = 5_000;

interface ExitTarget {
  flush(timeoutMs: number): Promise<FlushResult>;
  /** Events logged, queued or in flight that have not been settled. */
  pending(): number;
  /** A counter that moves whenever the app logs, to tell a new exit from a repeated one. */
  logged(): number;
  warn(message: string): void;
}

/**
 * Flushes when the event loop runs dry (`beforeExit`), so a script that logs and
 * simply ends delivers everything. Core's timers are unref'd and would let the
 * process exit mid-retry, so a ref'd timer holds it open for at most `timeoutMs`.
 * `beforeExit` fires again once the flush's work drains; the listener then sees
 * nothing pending, or gives up if nothing new was logged since a flush that failed.
 */
export function flushOnExit(exitTarget: ExitTarget, timeoutMs: number): () => void {
  let running = false;
  let failedAtLogged = -1;
  const listener = () => {
    if (running || exitTarget.pending() === 0) return;
    if (failedAtLogged === exitTarget.logged()) {
      exitTarget.warn(
        `${exitTarget.pending()} events were not delivered before exit (the collector did not take them in time)`,
      );
      failedAtLogged = -2; // warn once
      return;
    }
    if (failedAtLogged === -2) return;
    running = true;
    const hold = setTimeout(() => {}, timeoutMs + 1_000);
    void exitTarget.flush(timeoutMs).then((result) => {
      clearTimeout(hold);
      running = false;
      if (!result.ok) failedAtLogged = exitTarget.logged();
    });
  };
  process.on("beforeExit", listener);
  return () => {
    process.off("beforeExit", listener);
  };
}

export interface ShutdownHookOptions {
  /** Default `["SIGTERM", "SIGINT"]`. */
  signals?: readonly NodeJS.Signals[];
  /** Budget for the flush once a signal arrives (default 5 s). */
  timeoutMs?: number;
}

/**
 * On the first of `signals`: stop listening, shut the client down within the budget,
 * then re-raise the signal so the process ends exactly as it would have without us
 * (its default action, or the app's own listeners if it has any). A second signal
 * during the flush meets no listener of ours and takes effect at once.
 */
export function registerSignalHooks(
  shutdown: (timeoutMs: number) => Promise<unknown>,
  options: ShutdownHookOptions = {},
) {
  const signals = options.signals ?? (["SIGTERM", "SIGINT"] as const);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGNAL_TIMEOUT_MS;
  const listeners = new Map<NodeJS.Signals, () => void>();
  const unregister = (): void => {
    for (const [signal, entry] of listeners) process.off(signal, entry);
    listeners.clear();
  };
  for (const signal of signals) {
    const listener = () => {
      unregister();
      let done = false;
      const reraise = () => {
        if (done) return;
        done = true;
        clearTimeout(guard);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      // Ref'd on purpose: holds the process open during the flush, and bounds it if shutdown ever hangs.
      const guard = setTimeout(reraise, timeoutMs + 1_000);
      void shutdown(timeoutMs).finally(reraise);
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return unregister;
}
