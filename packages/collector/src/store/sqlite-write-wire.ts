import { type Slicer, startSlices } from "../slices.js";
import type { IncomingEvent } from "./types.js";

/**
 * A group of events as it crosses to the SQLite write worker: each validated event's JSON (what the
 * `events.raw` column stores), joined by newlines (JSON text never holds a raw one) and UTF-8 encoded in
 * chunks of one event-loop slice each, and the receive times; all are ArrayBuffers, transferred rather
 * than copied.
 */
export interface WireGroup {
  chunks: Uint8Array[];
  receivedMs: Float64Array;
}

/** One event read back from a `WireGroup`: the event, when it arrived, and its JSON as received. */
export interface WireEvent extends IncomingEvent {
  raw: string;
}

const SEPARATOR = "\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes in slices (one chunk each): a 10,000-event request does not hold the event loop while its JSON is
 * written.
 */
export async function encodeGroup(
  events: readonly IncomingEvent[],
  slices: Slicer = startSlices(),
): Promise<WireGroup> {
  const receivedMs = new Float64Array(events.length);
  const chunks: Uint8Array[] = [];
  let raws: string[] = [];
  for (let index = 0; index < events.length; index++) {
    const incoming = events[index] as IncomingEvent;
    raws.push(JSON.stringify(incoming.event));
    receivedMs[index] = incoming.receivedMs;
    if (slices.due() && index + 1 < events.length) {
      chunks.push(encoder.encode(raws.join(SEPARATOR)));
      raws = [];
      await slices.pause();
    }
  }
  if (raws.length > 0) chunks.push(encoder.encode(raws.join(SEPARATOR)));
  return { chunks, receivedMs };
}

export function decodeGroup({ chunks, receivedMs }: WireGroup): WireEvent[] {
  const raws = chunks.flatMap((chunk) => decoder.decode(chunk).split(SEPARATOR));
  if (raws.length !== receivedMs.length) {
    throw new Error(`Expected ${receivedMs.length} events in the write group, got ${raws.length}`);
  }
  return raws.map((raw, index) => ({ event: JSON.parse(raw), receivedMs: receivedMs[index] as number, raw }));
}

/** The ArrayBuffers a postMessage of `group` transfers. */
export const transferablesOf = (group: WireGroup): ArrayBuffer[] => [
  ...group.chunks.map((chunk) => chunk.buffer as ArrayBuffer),
  group.receivedMs.buffer as ArrayBuffer,
];
