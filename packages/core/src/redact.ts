type Obj = Record<string, unknown>;

export interface FeatureFilter {
  allow: ReadonlySet<string> | undefined;
  deny: ReadonlySet<string> | undefined;
}

/** Whether the allow and deny lists let feature `name` through. */
export const keep = (name: string, featureFilter: FeatureFilter): boolean =>
  (!featureFilter.allow || featureFilter.allow.has(name)) && !featureFilter.deny?.has(name);

function filterRecord(rec: unknown, featureFilter: FeatureFilter): unknown {
  if (rec === null || typeof rec !== "object" || Array.isArray(rec)) return rec;
  const out: Obj = {};
  for (const key of Object.keys(rec)) if (keep(key, featureFilter)) out[key] = (rec as Obj)[key];
  return out;
}

/**
 * Applies the feature allow/deny lists to every place feature names appear
 * (prediction and feature events, profile columns) before anything is serialized.
 */
export function redactFeatures(event: Obj, featureFilter: FeatureFilter): Obj {
  if (!featureFilter.allow && !featureFilter.deny) return event;
  const data = event.data as Obj | undefined;
  if (!data || typeof data !== "object") return event;
  if (data.features !== undefined)
    return { ...event, data: { ...data, features: filterRecord(data.features, featureFilter) } };
  if (event.type === "ml.feature_profile" && data.columns !== undefined) {
    return { ...event, data: { ...data, columns: filterRecord(data.columns, featureFilter) } };
  }
  return event;
}
