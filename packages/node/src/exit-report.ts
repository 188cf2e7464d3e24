/** A client as the exit report sees it. */
export interface ExitWatch {
  /** Events logged, queued or in flight, not yet settled. */
  pending(): number;
  /** The collector's URL as messages name it. */
  endpoint: string;
  /** The last delivery failure with its likely cause, if the last attempt failed. */
  lastFailure(): string | undefined;
  /** True when unsent events stay in a spool for the next start. */
  spooled: boolean;
  /** True while `registerShutdownHooks` handles the signals (it flushes and reports itself). */
  signalsHandled(): boolean;
  warn(message: string): void;
}

/** Signals whose default action would end the process without a word about queued events. */
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

const watched = new Set<ExitWatch>();
/** Said already (for this watch): one line per client per exit. */
const told = new WeakSet<ExitWatch>();
let installed = false;
let endedNaturally = false;
let uncaught = false;

/**
 * One line per client: how the process is ending, how many events did not reach which endpoint,
 * what is done with them and the last cause. Nothing when nothing is pending.
 */
export function reportUnsent(exitWatch: ExitWatch, how: string, advice = ""): void {
  const count = exitWatch.pending();
  if (count === 0 || told.has(exitWatch)) return;
  told.add(exitWatch);
  const last = exitWatch.lastFailure();
  exitWatch.warn(
    `${count === 1 ? "1 event was" : `${count} events were`} not delivered ${how} to ${exitWatch.endpoint}: ${exitWatch.spooled ? `${count === 1 ? "it stays" : "they stay"} in the spool for the next start` : count === 1 ? "it is lost" : "they are lost"}${last ? `; last error: ${last}` : ""}${advice}`,
  );
}

function onExit(): void {
  const how = uncaught
    ? "before an uncaught error ended the process"
    : endedNaturally
      ? "before exit"
      : "before process.exit()";
  const advice =
    uncaught || endedNaturally ? "" : " (await client.shutdown() before process.exit() delivers what is queued)";
  for (const exitWatch of watched) reportUnsent(exitWatch, how, advice);
}

function onSignal(signal: NodeJS.Signals): void {
  for (const text of SIGNALS) process.off(text, onSignal);
  for (const exitWatch of watched)
    if (!exitWatch.signalsHandled())
      reportUnsent(
        exitWatch,
        `when ${signal} ended the process`,
        " (client.registerShutdownHooks() flushes the queue on signals)",
      );
  // Nobody else listens: end as the signal would have without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const markNatural = (): void => {
  endedNaturally = true;
};
const markUncaught = (): void => {
  uncaught = true;
};

/**
 * Watches `w` until the returned function is called (at `shutdown()`, which reports its own
 * losses): at exit, after an uncaught error, at `process.exit()`, and at SIGTERM or SIGINT when
 * `registerShutdownHooks` is not in use, it says so if events are still pending. A signal is
 * re-raised when nothing else listens, so the process ends exactly as it would have.
 */
export function watchExit(exitWatch: ExitWatch): () => void {
  watched.add(exitWatch);
  if (!installed) {
    installed = true;
    process.on("beforeExit", markNatural);
    process.on("uncaughtExceptionMonitor", markUncaught);
    process.on("exit", onExit);
    for (const text of SIGNALS) process.on(text, onSignal);
  }
  return () => {
    watched.delete(exitWatch);
    if (watched.size > 0 || !installed) return;
    installed = false;
    process.off("beforeExit", markNatural);
    process.off("uncaughtExceptionMonitor", markUncaught);
    process.off("exit", onExit);
    for (const text of SIGNALS) process.off(text, onSignal);
  };
}
