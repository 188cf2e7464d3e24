import { InferlogError } from "../errors.js";
import { showValue } from "../show-value.js";

/** The largest fixed64: a nanosecond count past it is not one. */
const UINT64_MAX = 18_446_744_073_709_551_615n;
const NANOS_PER_MS = 1_000_000n;
/** A fixed64 in the protobuf JSON mapping: decimal digits only (no sign, fraction or exponent), at most 20 of them. */
const UINT64_DIGITS = /^\d{1,20}$/;

/**
 * A fixed64 nanosecond field as the protobuf JSON mapping writes it: a decimal string or a JSON
 * number. Absent and `null` are 0, as in that mapping, so a JSON record reads like its protobuf twin.
 * Anything else throws, naming the field, rather than being cut into some other time.
 */
function unixNanos(value: unknown, field: string): bigint {
  if (value === undefined || value === null) return 0n;
  let nanos: bigint | undefined;
  if (typeof value === "string" && UINT64_DIGITS.test(value)) nanos = BigInt(value);
  // The mapping accepts numbers too. JSON.parse has already rounded one past 2^53 to the nearest
  // double, a few hundred nanoseconds at today's times, which the millisecond kept below absorbs.
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) nanos = BigInt(value);
  if (nanos === undefined || nanos > UINT64_MAX) {
    throw new InferlogError(
      "invalid",
      `Expected \`${field}\` to be an unsigned 64-bit count of nanoseconds (decimal digits), got \`${showValue(value)}\``,
    );
  }
  return nanos;
}

/**
 * A record's time as an ISO string, cut to the millisecond (inferlog times hold no more).
 * OTLP's logs.proto says 0 means unknown: `timeUnixNano` when it is set, else
 * `observedTimeUnixNano`; a record with neither has no time and throws, naming both fields.
 */
export function recordTime(record: { timeUnixNano?: unknown; observedTimeUnixNano?: unknown }): string {
  let nanos = unixNanos(record.timeUnixNano, "timeUnixNano");
  if (nanos === 0n) nanos = unixNanos(record.observedTimeUnixNano, "observedTimeUnixNano");
  if (nanos === 0n) {
    throw new InferlogError(
      "invalid",
      "The record has no time: `timeUnixNano` and `observedTimeUnixNano` are both 0 or absent",
    );
  }
  return new Date(Number(nanos / NANOS_PER_MS)).toISOString();
}
