import { type Slicer, startSlices } from "../slices.js";
import type { IncomingEvent } from "./types.js";

/**
 * Events per message to the SQLite write worker. A group crosses as parts of validated events, each copied by
 * postMessage's structured clone (native serialization into the message, about half the main-thread CPU of
 * JSON.stringify plus UTF-8 encoding, and no garbage on this heap); the worker writes each event's JSON
 * (`events.raw`) itself. 500 events take a few milliseconds, so a 10,000-event request is sent in pieces
 * with the event loop handed back between them when a slice is used up.
 */
export const EVENTS_PER_PART = 500;

/** Hands `events` to `postPart` in parts of EVENTS_PER_PART, in order, pausing when a slice is used up. */
export async function postInParts(
  events: readonly IncomingEvent[],
  postPart: (part: readonly IncomingEvent[]) => void,
  slices: Slicer = startSlices(),
): Promise<void> {
  for (let start = 0; start < events.length; start += EVENTS_PER_PART) {
    postPart(events.slice(start, start + EVENTS_PER_PART));
    if (start + EVENTS_PER_PART < events.length && slices.due()) await slices.pause();
  }
}
