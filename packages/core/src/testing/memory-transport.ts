import type { InferlogEvent } from "../schema/events.js";
import type { Transport, TransportRequest, TransportResult } from "../transport.js";

export interface RecordedBatch {
  idempotencyKey: string;
  attempt: number;
  contentType: string;
  body: string;
  events: InferlogEvent[];
}

/** A transport that keeps every batch in memory and answers `ok`. */
export class MemoryTransport implements Transport {
  readonly batches: RecordedBatch[] = [];

  async send(req: TransportRequest): Promise<TransportResult> {
    this.batches.push(record(req));
    return { kind: "ok" };
  }

  /** Every event received, in order, across batches. */
  get events(): InferlogEvent[] {
    return this.batches.flatMap((batche) => batche.events);
  }

  eventsOfType<T extends InferlogEvent["type"]>(type: T): Extract<InferlogEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<InferlogEvent, { type: T }> => event.type === type);
  }

  /** Every request body joined, to assert what did (not) leave the process. */
  body(): string {
    return this.batches.map((batche) => batche.body).join("\n");
  }

  clear(): void {
    this.batches.length = 0;
  }
}

export function record(req: TransportRequest): RecordedBatch {
  return {
    idempotencyKey: req.idempotencyKey,
    attempt: req.attempt,
    contentType: req.contentType,
    body: req.body,
    events: JSON.parse(req.body) as InferlogEvent[],
  };
}
