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
import { n, s } from "./run.js";
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

function toMs(v: number | string, field: string): number {
  // Only a string goes to Date.parse: it turns anything else into a string, which can throw.
  const ms = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  need(Number.isFinite(ms), field, "ms since the epoch or an ISO time", v);
  return ms;
}

/** Merges the stored profile columns of one window per feature (sketch bins added per index, top values per value). */
async function mergeWindow(
  store: Store,
  o: ProfileDriftOptions,
  w: { from: number | string; to: number | string },
  name: string,
): Promise<Map<string, Merged>> {
  if (!store.readRows) throw new Error(`The ${store.kind} store cannot read profiles: it has no readRows method`);
  const { d, q } = dialectFor(store.kind, store.readRows.bind(store));
  const from = toMs(w.from, `${name}.from`);
  const to = toMs(w.to, `${name}.to`);
  const rows = await q(
    `SELECT feature, kind, count, nulls, relative_accuracy, sketch, top_values
     FROM feature_profiles${store.kind === "clickhouse" ? " FINAL" : ""}
     WHERE model_name = ${d.text(o.model)} ${o.feature === undefined ? "" : `AND feature = ${d.text(o.feature)}`}
       AND window_start_ms >= ${num(from)} AND window_end_ms <= ${num(to)}
     ORDER BY feature, event_id`,
  );
  const out = new Map<string, Merged>();
  for (const r of rows) {
    const feature = s(r.feature);
    const sketch = r.sketch === null || r.sketch === undefined ? null : (JSON.parse(s(r.sketch)) as SketchBins);
    let cur = out.get(feature);
    if (s(r.kind) === "numeric") {
      const ra = r.relative_accuracy === null || r.relative_accuracy === undefined ? null : n(r.relative_accuracy);
      if (!cur) {
        cur = { kind: "numeric", m: emptyNumeric(ra ?? 0), mixed: false };
        out.set(feature, cur);
      }
      if (cur.kind !== "numeric") continue;
      if (ra !== null && cur.m.relativeAccuracy === 0) cur.m.relativeAccuracy = ra;
      // Bins of different accuracies index different intervals: they cannot be added.
      if (ra !== null && ra !== cur.m.relativeAccuracy) cur.mixed = true;
      else addSketch(cur.m, sketch, n(r.nulls));
    } else {
      if (!cur) {
        cur = { kind: "categorical", m: { values: new Map(), nonNull: 0, nulls: 0, hasTopValues: true } };
        out.set(feature, cur);
      }
      if (cur.kind !== "categorical") continue;
      const top = r.top_values === null || r.top_values === undefined ? null : JSON.parse(s(r.top_values));
      addTopValues(cur.m, top, n(r.count), n(r.nulls));
    }
  }
  return out;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Drift of each profiled feature of `model` between two windows, from `ml.feature_profile`
 * rows only: PSI over the reference's decile bins (or its top 20 categories) and the base-2
 * Jensen-Shannon distance, flagged at 0.1 and 0.25, with the definitions of the raw-row drift.
 */
export async function profileDrift(store: Store, o: ProfileDriftOptions): Promise<ProfileDriftRow[]> {
  need(typeof o?.model === "string" && o.model !== "", "model", "a non-empty string", o?.model);
  const [ref, cur] = await Promise.all([
    mergeWindow(store, o, o.reference, "reference"),
    mergeWindow(store, o, o.current, "current"),
  ]);
  const rows: ProfileDriftRow[] = [];
  for (const [feature, r] of ref) {
    const c = cur.get(feature);
    let expected: Map<string, number>;
    let actual: Map<string, number>;
    let reason: string | undefined;
    if (r.kind === "numeric") {
      const cm = c?.kind === "numeric" ? c.m : emptyNumeric(r.m.relativeAccuracy);
      if (r.mixed || (c?.kind === "numeric" && (c.mixed || c.m.relativeAccuracy !== r.m.relativeAccuracy))) {
        reason = "profiles of different relative accuracies";
      }
      const edges = decileEdges(r.m);
      expected = numericBinCounts(r.m, edges);
      actual = numericBinCounts(cm, edges);
    } else {
      const cm: MergedCategorical =
        c?.kind === "categorical" ? c.m : { values: new Map(), nonNull: 0, nulls: 0, hasTopValues: true };
      if (!r.m.hasTopValues || !cm.hasTopValues) reason = "no top values (a sensitive column)";
      const cats = topCategories(r.m);
      expected = categoricalBinCounts(r.m, cats);
      actual = categoricalBinCounts(cm, cats);
    }
    if (c !== undefined && c.kind !== r.kind) reason = `kind changed from ${r.kind} to ${c.kind}`;
    const ok = reason === undefined && total(expected) > 0 && total(actual) > 0;
    const p = ok ? psi(expected, actual) : null;
    rows.push({
      model: o.model,
      feature,
      kind: r.kind,
      n: total(actual),
      referenceN: total(expected),
      psi: p,
      js: ok ? jsDistance(expected, actual) : null,
      flag: p === null ? null : psiFlag(p),
      ...(reason === undefined ? (ok ? {} : { reason: "no values in one of the windows" }) : { reason }),
      referenceBins: Object.fromEntries(expected),
      currentBins: Object.fromEntries(actual),
    });
  }
  return rows;
}
