import { checkOption as need } from "@inferlog/core";
import type { Store } from "../store/types.js";
import { dialectFor } from "./context.js";
import { jsDistance, psi, psiFlag } from "./divergence.js";
import {
  addSketch,
  addTopValues,
  categoricalBinCounts,
  decileEdges,
  emptyNumeric,
  type MergedCategorical,
  type MergedNumeric,
  numericBinCounts,
  type SketchBins,
  topCategories,
} from "./profile-bins.js";
import { asNumber, asText } from "./run.js";
import { num } from "./sql-common.js";

export interface ProfileDriftOptions {
  model: string;
  /** Only this feature (default: every profiled feature of the model). */
  feature?: string;
  /** Profiles whose windows lie inside [from, to) (ms since the epoch or ISO text) are merged. */
  reference: { from: number | string; to: number | string };
  current: { from: number | string; to: number | string };
}

export interface ProfileDriftRow {
  model: string;
  feature: string;
  kind: "numeric" | "categorical";
  /** Values (nulls included) in the current and the reference window. */
  n: number;
  referenceN: number;
  /** Null when drift cannot be computed from these profiles; `reason` says why. */
  psi: number | null;
  js: number | null;
  flag: "none" | "moderate" | "major" | null;
  reason?: string;
  /** Bin counts compared (decile bins "0".."9" and "99" for nulls, or categories). */
  referenceBins: Record<string, number>;
  currentBins: Record<string, number>;
}

type Merged = { kind: "numeric"; m: MergedNumeric; mixed: boolean } | { kind: "categorical"; m: MergedCategorical };

function toMs(value: number | string, field: string): number {
  // Only a string goes to Date.parse: it turns anything else into a string, which can throw.
  const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : Number.NaN;
  need(Number.isFinite(ms), field, "ms since the epoch or an ISO time", value);
  return ms;
}

/** Merges the stored profile columns of one window per feature (sketch bins added per index, top values per value). */
async function mergeWindow(
  store: Store,
  options: ProfileDriftOptions,
  window: { from: number | string; to: number | string },
  name: string,
): Promise<Map<string, Merged>> {
  if (!store.readRows) throw new Error(`The ${store.kind} store cannot read profiles: it has no readRows method`);
  const { dialect, query } = dialectFor(store.kind, store.readRows.bind(store));
  const from = toMs(window.from, `${name}.from`);
  const to = toMs(window.to, `${name}.to`);
  const rows = await query(
    `SELECT feature, kind, count, nulls, relative_accuracy, sketch, top_values
     FROM feature_profiles${store.kind === "clickhouse" ? " FINAL" : ""}
     WHERE model_name = ${dialect.text(options.model)} ${options.feature === undefined ? "" : `AND feature = ${dialect.text(options.feature)}`}
       AND window_start_ms >= ${num(from)} AND window_end_ms <= ${num(to)}
     ORDER BY feature, event_id`,
  );
  const out = new Map<string, Merged>();
  for (const result of rows) {
    const feature = asText(result.feature);
    const sketch =
      result.sketch === null || result.sketch === undefined ? null : (JSON.parse(asText(result.sketch)) as SketchBins);
    let cur = out.get(feature);
    if (asText(result.kind) === "numeric") {
      const ra =
        result.relative_accuracy === null || result.relative_accuracy === undefined
          ? null
          : asNumber(result.relative_accuracy);
      if (!cur) {
        cur = { kind: "numeric", m: emptyNumeric(ra ?? 0), mixed: false };
        out.set(feature, cur);
      }
      if (cur.kind !== "numeric") continue;
      if (ra !== null && cur.m.relativeAccuracy === 0) cur.m.relativeAccuracy = ra;
      // Bins of different accuracies index different intervals: they cannot be added.
      if (ra !== null && ra !== cur.m.relativeAccuracy) cur.mixed = true;
      else addSketch(cur.m, sketch, asNumber(result.nulls));
    } else {
      if (!cur) {
        cur = { kind: "categorical", m: { values: new Map(), nonNull: 0, nulls: 0, hasTopValues: true } };
        out.set(feature, cur);
      }
      if (cur.kind !== "categorical") continue;
      const top =
        result.top_values === null || result.top_values === undefined ? null : JSON.parse(asText(result.top_values));
      addTopValues(cur.m, top, asNumber(result.count), asNumber(result.nulls));
    }
  }
  return out;
}

const total = (match: Map<string, number>) => [...match.values()].reduce((total, bytes) => total + bytes, 0);

/**
 * Drift of each profiled feature of `model` between two windows, from `ml.feature_profile`
 * rows only: PSI over the reference's decile bins (or its top 20 categories) and the base-2
 * Jensen-Shannon distance, flagged at 0.1 and 0.25, with the definitions of the raw-row drift.
 */
export async function profileDrift(store: Store, options: ProfileDriftOptions): Promise<ProfileDriftRow[]> {
  need(typeof options?.model === "string" && options.model !== "", "model", "a non-empty string", options?.model);
  const [ref, cur] = await Promise.all([
    mergeWindow(store, options, options.reference, "reference"),
    mergeWindow(store, options, options.current, "current"),
  ]);
  const rows: ProfileDriftRow[] = [];
  for (const [feature, merged] of ref) {
    const count = cur.get(feature);
    let expected: Map<string, number>;
    let actual: Map<string, number>;
    let reason: string | undefined;
    if (merged.kind === "numeric") {
      const cm = count?.kind === "numeric" ? count.m : emptyNumeric(merged.m.relativeAccuracy);
      if (
        merged.mixed ||
        (count?.kind === "numeric" && (count.mixed || count.m.relativeAccuracy !== merged.m.relativeAccuracy))
      ) {
        reason = "profiles of different relative accuracies";
      }
      const edges = decileEdges(merged.m);
      expected = numericBinCounts(merged.m, edges);
      actual = numericBinCounts(cm, edges);
    } else {
      const cm: MergedCategorical =
        count?.kind === "categorical" ? count.m : { values: new Map(), nonNull: 0, nulls: 0, hasTopValues: true };
      if (!merged.m.hasTopValues || !cm.hasTopValues) reason = "no top values (a sensitive column)";
      const cats = topCategories(merged.m);
      expected = categoricalBinCounts(merged.m, cats);
      actual = categoricalBinCounts(cm, cats);
    }
    if (count !== undefined && count.kind !== merged.kind) reason = `kind changed from ${merged.kind} to ${count.kind}`;
    const ok = reason === undefined && total(expected) > 0 && total(actual) > 0;
    const probability = ok ? psi(expected, actual) : null;
    rows.push({
      model: options.model,
      feature,
      kind: merged.kind,
      n: total(actual),
      referenceN: total(expected),
      psi: probability,
      js: ok ? jsDistance(expected, actual) : null,
      flag: probability === null ? null : psiFlag(probability),
      ...(reason === undefined ? (ok ? {} : { reason: "no values in one of the windows" }) : { reason }),
      referenceBins: Object.fromEntries(expected),
      currentBins: Object.fromEntries(actual),
    });
  }
  return rows;
}
