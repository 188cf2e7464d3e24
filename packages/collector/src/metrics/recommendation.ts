import type { ResolvedReportOptions } from "./options.js";
import type { Report, RetrainRecommendation } from "./types.js";

type Sections = Pick<
  Report,
  "versions" | "retrain" | "drift" | "freshness" | "labelFree" | "quality" | "ageUnit" | "window" | "ageEffect"
>;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * Windows in which at least two versions of `model` made predictions: where versions overlap, age and calendar
 * time can be told apart; without any, every "drop at age N" is also a drop in some calendar week.
 */
function overlappingWindows(r: Sections, model: string): number {
  const versionsPerWindow = new Map<string, Set<string>>();
  for (const q of r.quality) {
    if (q.model !== model || q.volume === 0) continue;
    versionsPerWindow.set(q.windowStart, (versionsPerWindow.get(q.windowStart) ?? new Set()).add(q.version));
  }
  return [...versionsPerWindow.values()].filter((v) => v.size > 1).length;
}

/**
 * The age effect of `model` measured where two versions overlap: the younger measurably more accurate on the same
 * windows (interval of the per-unit effect below 0), with an age gap; the most precise when several pairs have one.
 */
function measuredAgeing(r: Sections, model: string): Sections["ageEffect"][number] | undefined {
  return r.ageEffect
    .filter((a) => a.model === model && a.perAgeUnit !== null && a.perAgeUnitHigh !== null && a.perAgeUnitHigh < 0)
    .sort((a, b) => b.n - a.n)[0];
}

/**
 * One stated recommendation per model, for its newest version (the one seen last): the evidence of ageing (the
 * retrain signal), drift (major PSI in the latest window), freshness (shown items newer than the model's data)
 * and the label-free estimate, each compared with a documented threshold, and the caveats that weaken it.
 */
export function recommendRetraining(r: Sections, o: ResolvedReportOptions): RetrainRecommendation[] {
  const models = [...new Set(r.versions.map((v) => v.model))];
  const unit = r.ageUnit === "hour" ? "h" : "d";
  return models.map((model) => {
    const versions = r.versions.filter((v) => v.model === model);
    // The newest version that answered users: a challenger still in the shadow is not the one to retrain.
    const shown = versions.filter((v) => v.shadowPredictions < v.predictions);
    const latest = (shown.length > 0 ? shown : versions).reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
    const reasons: string[] = [];
    const caveats: string[] = [];
    let now = false;
    let cadence: number | null = null;

    // Ageing: where two versions overlap and the younger is measurably more accurate on the same days, that age
    // effect sets the cadence (the age at which it costs `retrainDrop`); else the earliest drop age of any version.
    const drops = r.retrain.filter((x) => x.model === model && x.dropAge !== null);
    const measured = measuredAgeing(r, model);
    if (measured) {
      const loss = -(measured.perAgeUnit as number);
      cadence = Math.max(1, Math.ceil(o.retrainDrop / loss));
      reasons.push(
        `ageing: on the same ${r.window}s, ${measured.newer} (${(measured.ageGap as number).toFixed(0)} ${unit} younger) was ${((measured.difference as number) * 100).toFixed(1)} pts more accurate than ${measured.older}: ${(loss * 100).toFixed(2)} pts lost per ${r.ageUnit} of age, ${pct(o.retrainDrop)} in ${cadence} ${unit}`,
      );
      if (latest.trainedAt !== null) {
        const unitMs = r.ageUnit === "hour" ? 3_600_000 : 86_400_000;
        if ((Date.parse(latest.lastSeen) - Date.parse(latest.trainedAt)) / unitMs >= cadence) now = true;
      }
      if (drops.length > 0) {
        const at = drops.map((x) => `${x.dropAge} ${unit} (${x.version})`).join(", ");
        caveats.push(
          `the drops at age ${at} do not set the cadence: they include calendar time, the age effect does not`,
        );
      }
    } else if (drops.length > 0) {
      const first = drops.reduce((a, b) => ((b.dropAge as number) < (a.dropAge as number) ? b : a));
      cadence = first.dropAge as number;
      reasons.push(
        `ageing: ${first.version} fell more than ${pct(o.retrainDrop)} below its first window at age ${first.dropAge} ${unit}`,
      );
      if (first.version === latest.version) now = true;
    }
    // Drift: features flagged major in the latest window of this model.
    const lastWindow = r.drift
      .filter((d) => d.model === model)
      .reduce((a, d) => (d.windowStart > a ? d.windowStart : a), "");
    const major = r.drift.filter((d) => d.model === model && d.windowStart === lastWindow && d.flag === "major");
    if (major.length > 0) {
      const names = major
        .sort((a, b) => b.psi - a.psi)
        .slice(0, 3)
        .map((d) => `${d.feature} (PSI ${d.psi.toFixed(2)})`);
      reasons.push(`drift: ${major.length} feature(s) major in the latest window: ${names.join(", ")}`);
      now = true;
    }
    // Freshness: the latest window of the newest version, and when new items first reached the threshold.
    const fresh = r.freshness.filter((f) => f.model === model && f.version === latest.version);
    const lastFresh = fresh[fresh.length - 1];
    if (lastFresh && lastFresh.shownNewShare !== null && lastFresh.shownNewShare >= o.freshnessShare) {
      const firstStale = fresh.find((f) => f.shownNewShare !== null && f.shownNewShare >= o.freshnessShare);
      const staleAfterMs = firstStale ? Date.parse(firstStale.windowStart) - Date.parse(firstStale.cutoff) : null;
      reasons.push(
        `freshness: ${pct(lastFresh.shownNewShare)} of shown items are newer than the model's data (threshold ${pct(o.freshnessShare)})`,
      );
      if (staleAfterMs !== null && staleAfterMs > 0) {
        const unitMs = r.ageUnit === "hour" ? 3_600_000 : 86_400_000;
        const staleAge = Math.max(1, Math.floor(staleAfterMs / unitMs));
        cadence = cadence === null ? staleAge : Math.min(cadence, staleAge);
      }
      now = true;
    }
    // The label-free estimate: the latest estimated window against the version's first realized accuracy.
    const estimates = r.labelFree.filter((x) => x.model === model && x.version === latest.version);
    const firstRealized = estimates.find((x) => x.realizedAccuracy !== null && x.labeled >= o.minLabels);
    const lastEstimate = [...estimates].reverse().find((x) => x.estimatedAccuracy !== null);
    if (firstRealized && lastEstimate && lastEstimate.estimatedAccuracy !== null) {
      const fall = (firstRealized.realizedAccuracy as number) - lastEstimate.estimatedAccuracy;
      if (fall > o.retrainDrop) {
        reasons.push(
          `estimate: accuracy estimated at ${pct(lastEstimate.estimatedAccuracy)} without labels, ${pct(fall)} below the first window's ${pct(firstRealized.realizedAccuracy as number)}`,
        );
        now = true;
      }
    } else if (estimates.some((x) => x.refused !== null)) {
      caveats.push(`no label-free estimate: ${estimates.find((x) => x.refused !== null)?.refused}`);
    }
    const compared = r.ageEffect.filter((a) => a.model === model);
    if (drops.length > 0 && overlappingWindows(r, model) === 0 && compared.length === 0) {
      caveats.push(
        "age and calendar time are confounded: one version at a time, so a drop at an age is also a drop in a calendar week (drift in that week may be the cause); run a challenger version beside it to tell them apart",
      );
    }
    // Where two versions overlap, the same-window comparison says how much of a drop age explains.
    for (const a of compared) caveats.push(`age or calendar time: ${a.verdict}`);
    const action =
      reasons.length === 0
        ? "no retrain needed yet"
        : now && cadence !== null
          ? `retrain now, then every ${cadence} ${unit}`
          : now
            ? "retrain now"
            : `retrain every ${cadence} ${unit}`;
    return { model, version: latest.version, action, cadence, cadenceUnit: r.ageUnit, reasons, caveats };
  });
}
