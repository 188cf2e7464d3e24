/** OTLP/JSON `AnyValue`, as the opentelemetry-proto JSON mapping spells it. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number | string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  // An AnyValue with no field set: how OTLP says "null".
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/**
 * A JSON value as an AnyValue. Integers are `intValue` only when they are safe: an int64 field
 * cannot hold 1e300, which the official serializer would emit as `intValue` and a collector refuse.
 */
export function toAnyValue(v: unknown): AnyValue {
  switch (typeof v) {
    case "string":
      return { stringValue: v };
    case "boolean":
      return { boolValue: v };
    case "number":
      return Number.isSafeInteger(v) ? { intValue: v } : { doubleValue: v };
    case "object":
      if (v === null) return {};
      if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
      return { kvlistValue: { values: toKeyValues(v as Record<string, unknown>) } };
    default:
      return {};
  }
}

export const toKeyValues = (o: Record<string, unknown>): KeyValue[] =>
  Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .map((key) => ({ key, value: toAnyValue(o[key]) }));

/** The inverse of `toAnyValue`; int64 strings (another valid OTLP/JSON spelling) become numbers. */
export function fromAnyValue(a: AnyValue | undefined): unknown {
  if (a === undefined || a === null) return null;
  if ("stringValue" in a) return a.stringValue;
  if ("boolValue" in a) return a.boolValue;
  if ("intValue" in a) return Number(a.intValue);
  if ("doubleValue" in a) return Number(a.doubleValue);
  if ("arrayValue" in a) return (a.arrayValue?.values ?? []).map(fromAnyValue);
  if ("kvlistValue" in a) return fromKeyValues(a.kvlistValue?.values ?? []);
  return null;
}

export function fromKeyValues(kvs: readonly KeyValue[]): Record<string, unknown> {
  // A null-prototype target: a hostile "__proto__" key stays a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const kv of kvs) out[kv.key] = fromAnyValue(kv.value);
  return { ...out };
}
