/** The wire contract's string patterns (zod-free: see limits.ts). */

/**
 * An RFC 3339 date-time with a `Z` or `±hh:mm` offset and optional fractional seconds (zod's
 * `z.iso.datetime({ offset: true })`, which the schema builds with this very pattern).
 */
export const DATETIME_PATTERN =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** W3C Trace Context `traceparent`: version, trace id, parent id, flags, in lower-case hex. */
export const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
