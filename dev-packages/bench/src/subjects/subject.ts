/** What each SDK adapter provides: its normal public API behind one small interface. */
import type { prediction } from "../prediction.js";

export type Prediction = ReturnType<typeof prediction>;

export interface SubjectConfig {
  /** Collector base URL, e.g. http://127.0.0.1:1234 */
  base: string;
  /** Events per request, the same for every subject. */
  batchSize: number;
  /** Queue capacity; undefined keeps the SDK's default (the memory scenario measures defaults). */
  maxQueue?: number | undefined;
  /** Where a subject with a disk spool keeps it (only inferlog-spool uses it). */
  spoolDir?: string;
}

export interface Instance {
  log(p: Prediction): void;
  /** Send everything queued now and wait for it. */
  flush(): Promise<void>;
  /** The SDK's documented shutdown (flushes, then releases timers and sockets); returns what the SDK reports, if anything. */
  shutdown(): Promise<unknown>;
  /** Events the SDK holds now and its configured bound, where the SDK reports them (inferlog). */
  held?(): { held: number; bound: number };
}

export interface Subject {
  name: string;
  /** npm package whose package.json version is reported. */
  pkg: string;
  /** How the adapter is configured, for the method section. */
  config: string;
  /** The documented shutdown call, for the method section. */
  shutdownCall: string;
  create(cfg: SubjectConfig): Instance | Promise<Instance>;
}
