/** Sizes shared by the peer scenarios, chosen so the whole `pnpm bench` fits in ~15 minutes on 2 shared cores. */
import { SUBJECT_NAMES } from "./subjects/index.js";

/** Events per request for every subject (posthog-node's default maxBatchSize). */
export const BATCH = 100;
export const HOT_PATH_CALLS = 10_000;
export const HOT_PATH_RUNS = 5;
export const THROUGHPUT_EVENTS = 10_000;
export const THROUGHPUT_RUNS = 3;
export const OUTAGE_EVENTS = 1_000;
export const OUTAGE_MS = 5_000;
export const EXIT_EVENTS = 1_000;
export const MEMORY_EVENTS = 100_000;
export const SUBJECTS = SUBJECT_NAMES;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
