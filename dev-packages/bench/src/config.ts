/** Sizes shared by the peer scenarios, chosen so the whole `pnpm bench` fits in ~15 minutes on 2 shared cores. */
import type { ChildOptions } from "./child.js";
import { SUBJECT_NAMES } from "./subjects/index.js";

/** Events per request for every subject (posthog-node's default maxBatchSize). */
export const BATCH = 100;
export const HOT_PATH_CALLS = 10_000;
export const HOT_PATH_RUNS = 5;
/** The hot-path child's options: every call kept (the queue holds all runs), batches of BATCH. */
export const hotPathOptions = (base: string): ChildOptions => ({
  base,
  batchSize: BATCH,
  maxQueue: HOT_PATH_CALLS * (HOT_PATH_RUNS + 1),
  events: HOT_PATH_CALLS,
  runs: HOT_PATH_RUNS,
});
/** The sustained maximum rate: enough events that JIT warm-up and a fresh heap do not dominate. */
export const THROUGHPUT_EVENTS = 200_000;
export const THROUGHPUT_RUNS = 2;
/** Steady rates (events/s) held for STEADY_MS each; CPU per delivered event is measured at each. */
export const STEADY_RATES = [1_000, 10_000] as const;
/** `BENCH_STEADY_MS` overrides it for a longer run (warm-up weighs less), e.g. with compare-steady.ts. */
export const STEADY_MS = Number(process.env.BENCH_STEADY_MS ?? 5_000);
export const STEADY_RUNS = 2;
/** The outage: OUTAGE_EVENTS logged over OUTAGE_SPAN_MS while the collector fails for OUTAGE_MS. */
export const OUTAGE_EVENTS = 20_000;
export const OUTAGE_SPAN_MS = 3_000;
export const OUTAGE_MS = 5_000;
/** How long after recovery the app keeps running before its shutdown, at most. */
export const OUTAGE_PATIENCE_MS = 20_000;
export const EXIT_EVENTS = 1_000;
export const MEMORY_EVENTS = 100_000;
export const SUBJECTS = SUBJECT_NAMES;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
