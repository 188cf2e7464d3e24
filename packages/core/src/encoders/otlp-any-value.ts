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
export function toAnyValue(value: unknown): AnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "number":
      return Number.isSafeInteger(value) ? { intValue: value } : { doubleValue: value };
    case "object":
      if (value === null) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
      return { kvlistValue: { values: toKeyValues(value as Record<string, unknown>) } };
    default:
      return {};
  }
}

export const toKeyValues = (options: Record<string, unknown>): KeyValue[] =>
  Object.keys(options)
    .filter((key) => options[key] !== undefined)
    .map((key) => ({ key, value: toAnyValue(options[key]) }));

/** The inverse of `toAnyValue`; int64 strings (another valid OTLP/JSON spelling) become numbers. */
export function fromAnyValue(anyValue: AnyValue | undefined): unknown {
  if (anyValue === undefined || anyValue === null) return null;
  if ("stringValue" in anyValue) return anyValue.stringValue;
  if ("boolValue" in anyValue) return anyValue.boolValue;
  if ("intValue" in anyValue) return Number(anyValue.intValue);
  if ("doubleValue" in anyValue) return Number(anyValue.doubleValue);
  if ("arrayValue" in anyValue) return (anyValue.arrayValue?.values ?? []).map(fromAnyValue);
  if ("kvlistValue" in anyValue) return fromKeyValues(anyValue.kvlistValue?.values ?? []);
  return null;
}

export function fromKeyValues(kvs: readonly KeyValue[]): Record<string, unknown> {
  // A null-prototype target: a hostile "__proto__" key stays a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const kv of kvs) out[kv.key] = fromAnyValue(kv.value);
  return { ...out };
}
