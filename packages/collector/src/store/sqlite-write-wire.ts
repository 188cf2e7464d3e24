import { startSlices } from "../slices.js";
import type { IncomingEvent } from "./types.js";

/**
 * A group of events as it crosses to the SQLite write worker: each validated event's JSON (what the
 * `events.raw` column stores) joined by newlines (JSON text never holds a raw one) and UTF-8 encoded, and
 * the receive times; both are ArrayBuffers, transferred rather than copied.
 */
export interface WireGroup {
  text: Uint8Array;
  receivedMs: Float64Array;
}

/** One event read back from a `WireGroup`: the event, when it arrived, and its JSON as received. */
export interface WireEvent extends IncomingEvent {
  raw: string;
}

const SEPARATOR = "\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes in slices: a 10,000-event request does not hold the event loop while its JSON is written. */
export async function encodeGroup(events: readonly IncomingEvent[]): Promise<WireGroup> {
  const slices = startSlices();
  const receivedMs = new Float64Array(events.length);
  const raws = new Array<string>(events.length);
  for (let index = 0; index < events.length; index++) {
    const incoming = events[index] as IncomingEvent;
    raws[index] = JSON.stringify(incoming.event);
    receivedMs[index] = incoming.receivedMs;
    if (slices.due()) await slices.pause();
  }
  return { text: encoder.encode(raws.join(SEPARATOR)), receivedMs };
}

export function decodeGroup({ text, receivedMs }: WireGroup): WireEvent[] {
  if (receivedMs.length === 0) return [];
  const raws = decoder.decode(text).split(SEPARATOR);
  if (raws.length !== receivedMs.length) {
    throw new Error(`Expected ${receivedMs.length} events in the write group, got ${raws.length}`);
  }
  return raws.map((raw, index) => ({ event: JSON.parse(raw), receivedMs: receivedMs[index] as number, raw }));
}

/** The ArrayBuffers a postMessage of `group` transfers. */
export const transferablesOf = (group: WireGroup): ArrayBuffer[] => [
  group.text.buffer as ArrayBuffer,
  group.receivedMs.buffer as ArrayBuffer,
];
