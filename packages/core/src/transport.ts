import type { TransportError } from "./errors.js";

/** Minimal AbortSignal shape, so core needs no DOM or Node types. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface TransportRequest {
  /** The encoded batch. */
  body: string;
  contentType: string;
  /** Number of events in `body`. */
  eventCount: number;
  /** Identical on every attempt of the same batch; sent as `Idempotency-Key`. */
  idempotencyKey: string;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when `shutdown` reaches its deadline. */
  signal: AbortSignalLike;
}

export interface RejectedEvent {
  index: number;
  reason: string;
}

export type TransportResult =
  /**
   * Delivered. `rejected` lists events the collector refused for good (not resent); `warnings`, events it took
   * with a word for the app (fields it left out), which the client says once per reason.
   */
  | { kind: "ok"; rejected?: readonly RejectedEvent[]; warnings?: readonly RejectedEvent[] }
  /**
   * Try again later: 408, 429, 502, 503, 504, a network error or a timeout. `hint`: the likely
   * cause when the transport knows better than the status or message (a browser's CORS failure).
   */
  | { kind: "retry"; afterMs?: number; status?: number; reason: string; hint?: string | undefined }
  /** 413: the client splits the batch. */
  | { kind: "too-large" }
  /** Any other refusal; the batch is dropped and counted as `rejected`. */
  | { kind: "fatal"; error: TransportError };

/**
 * Ships one encoded batch. Never throws for an HTTP status: the result says what
 * happened. Retries, persistence and concurrency are the client's job.
 */
export interface Transport {
  /** Where it sends, as diagnostics name it (the client's `endpoint` option wins). */
  readonly endpoint?: string | undefined;
  send(request: TransportRequest): Promise<TransportResult>;
}
