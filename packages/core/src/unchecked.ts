import type { EventValidator } from "./pipeline.js";
import type { InferlogEvent } from "./schema/events.js";

/**
 * A validator that checks nothing in-process, for bundles that leave the wire contract to the
 * collector (the browser's production build). The collector refuses a bad event with a reason that
 * names the field; the client reports it through `onError` and counts it as dropped (`rejected`).
 * Events that cannot be serialized at all are still caught in-process (`prepare`).
 */
export const uncheckedEvent: EventValidator = (_type, event) => ({ ok: true, event: event as InferlogEvent });
