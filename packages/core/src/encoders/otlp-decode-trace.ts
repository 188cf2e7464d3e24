/** W3C trace context ids: 16 and 8 bytes in lower-case hex; all zeros is no id at all. */
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZEROS = /^0+$/;
/** logs.proto: the low byte of `flags` holds the W3C trace flags; readers must mask off the reserved bits. */
const TRACE_FLAGS_MASK = 0xff;

function idOf(value: unknown, shape: RegExp): string | undefined {
  if (typeof value !== "string") return undefined;
  // OTLP/JSON ids are case-insensitive hex; a traceparent's are lower case.
  const id = value.toLowerCase();
  return shape.test(id) && !ALL_ZEROS.test(id) ? id : undefined;
}

/** `flags` as the two hex digits of a traceparent; a value that is not an integer counts as no flags set. */
function traceFlagsOf(flags: unknown): string {
  const bits = Number.isInteger(flags) ? (flags as number) & TRACE_FLAGS_MASK : 0;
  return bits.toString(16).padStart(2, "0");
}

/**
 * A record's trace link as a traceparent, or undefined when it has none. A missing, malformed or
 * wrong-length id means the record is not linked to a trace (logs.proto: a receiver SHOULD read it
 * so), so the event keeps everything else instead of being refused for it.
 */
export function traceparentOf(record: { traceId?: unknown; spanId?: unknown; flags?: unknown }): string | undefined {
  const traceId = idOf(record.traceId, TRACE_ID);
  const spanId = idOf(record.spanId, SPAN_ID);
  if (!traceId || !spanId) return undefined;
  return `00-${traceId}-${spanId}-${traceFlagsOf(record.flags)}`;
}
