type Obj = Record<string, unknown>;

export interface FeatureFilter {
  allow: ReadonlySet<string> | undefined;
  deny: ReadonlySet<string> | undefined;
}

/** Whether the allow and deny lists let feature `name` through. */
export const keep = (name: string, f: FeatureFilter): boolean => (!f.allow || f.allow.has(name)) && !f.deny?.has(name);

function filterRecord(rec: unknown, f: FeatureFilter): unknown {
  if (rec === null || typeof rec !== "object" || Array.isArray(rec)) return rec;
  const out: Obj = {};
  for (const k of Object.keys(rec)) if (keep(k, f)) out[k] = (rec as Obj)[k];
  return out;
}

/**
 * Applies the feature allow/deny lists to every place feature names appear
 * (prediction and feature events, profile columns) before anything is serialized.
 */
export function redactFeatures(event: Obj, f: FeatureFilter): Obj {
  if (!f.allow && !f.deny) return event;
  const data = event.data as Obj | undefined;
  if (!data || typeof data !== "object") return event;
  if (data.features !== undefined) return { ...event, data: { ...data, features: filterRecord(data.features, f) } };
  if (event.type === "ml.feature_profile" && data.columns !== undefined) {
    return { ...event, data: { ...data, columns: filterRecord(data.columns, f) } };
  }
  return event;
}
