import { resultFromResponse } from "../http-response.js";
import type { RejectedEvent, Transport, TransportRequest, TransportResult } from "../transport.js";
import { type RecordedBatch, record } from "./memory-transport.js";

/** One scripted answer. After the script runs out, the transport answers `ok`. */
export type Fault =
  | { type: "ok" }
  | { type: "status"; status: number; retryAfter?: string; body?: string }
  | { type: "too-large" }
  | { type: "network-error"; message?: string }
  | { type: "hang" }
  | { type: "throw" }
  | { type: "reject"; indexes: number[]; reason?: string };

export interface Attempt extends RecordedBatch {
  result: TransportResult | "hang" | "threw";
}

/**
 * A transport that answers from a script (429 with Retry-After, 413, 5xx, a hang,
 * a network error, a partial rejection), records every attempt, then says `ok`.
 * A hang ends only when the request is aborted.
 */
export class FaultTransport implements Transport {
  readonly attempts: Attempt[] = [];
  private readonly script: Fault[];

  constructor(
    script: Fault[] = [],
    private readonly now: () => number = Date.now,
  ) {
    this.script = [...script];
  }

  /** Adds answers to the end of the script. */
  push(...faults: Fault[]): void {
    this.script.push(...faults);
  }

  /** Events of every attempt that succeeded (fully or partly), in order. */
  get delivered(): RecordedBatch["events"] {
    return this.attempts
      .filter((attempt) => typeof attempt.result === "object" && attempt.result.kind === "ok")
      .flatMap((attempt) => attempt.events);
  }

  async send(req: TransportRequest): Promise<TransportResult> {
    const fault = this.script.shift() ?? { type: "ok" };
    const attempt: Attempt = { ...record(req), result: "hang" };
    this.attempts.push(attempt);
    const result = await this.answer(fault, req);
    attempt.result = result;
    if (fault.type === "throw") {
      attempt.result = "threw";
      throw new Error("scripted transport failure");
    }
    return result;
  }

  private answer(fault: Fault, req: TransportRequest): Promise<TransportResult> {
    switch (fault.type) {
      case "ok":
      case "throw":
        return Promise.resolve({ kind: "ok" });
      case "too-large":
        return Promise.resolve({ kind: "too-large" });
      case "network-error":
        return Promise.resolve({ kind: "retry", reason: fault.message ?? "ECONNRESET" });
      case "reject": {
        const rejected: RejectedEvent[] = fault.indexes.map((index) => ({
          index,
          reason: fault.reason ?? "rejected by script",
        }));
        return Promise.resolve({ kind: "ok", rejected });
      }
      case "hang":
        return new Promise((resolve) => {
          const done = () => resolve({ kind: "retry", reason: "aborted" });
          if (req.signal.aborted) done();
          else req.signal.addEventListener("abort", done, { once: true });
        });
      case "status":
        return Promise.resolve(resultFromResponse(fault.status, fault.retryAfter, fault.body ?? "", this.now()));
    }
  }
}
