import type { ResolvedReportOptions } from "./options.js";
import type { Report, RetrainRecommendation } from "./types.js";

type Sections = Pick<
  Report,
  "versions" | "retrain" | "drift" | "freshness" | "labelFree" | "quality" | "ageUnit" | "window" | "ageEffect"
>;

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * Windows in which at least two versions of `model` made predictions: where versions overlap, age and calendar
 * time can be told apart; without any, every "drop at age N" is also a drop in some calendar week.
 */
function overlappingWindows(sections: Sections, model: string): number {
  const versionsPerWindow = new Map<string, Set<string>>();
  for (const row of sections.quality) {
    if (row.model !== model || row.volume === 0) continue;
    versionsPerWindow.set(row.windowStart, (versionsPerWindow.get(row.windowStart) ?? new Set()).add(row.version));
  }
  return [...versionsPerWindow.values()].filter((value) => value.size > 1).length;
}

/**
 * The age effect of `model` measured where two versions overlap: the younger measurably more accurate on the same
 * windows (interval of the per-unit effect below 0), with an age gap; the most precise when several pairs have one.
 */
function measuredAgeing(sections: Sections, model: string): Sections["ageEffect"][number] | undefined {
  return sections.ageEffect
    .filter(
      (row) => row.model === model && row.perAgeUnit !== null && row.perAgeUnitHigh !== null && row.perAgeUnitHigh < 0,
    )
    .sort((left, right) => right.n - left.n)[0];
}

/**
 * One stated recommendation per model, for its newest version (the one seen last): the evidence of ageing (the
 * retrain signal), drift (major PSI in the latest window), freshness (shown items newer than the model's data)
 * and the label-free estimate, each compared with a documented threshold, and the caveats that weaken it.
 */
export function recommendRetraining(sections: Sections, options: ResolvedReportOptions): RetrainRecommendation[] {
  const models = [...new Set(sections.versions.map((version) => version.model))];
  const unit = sections.ageUnit === "hour" ? "h" : "d";
  return models.map((model) => {
    const versions = sections.versions.filter((version) => version.model === model);
    // The newest version that answered users: a challenger still in the shadow is not the one to retrain.
    const shown = versions.filter((version) => version.shadowPredictions < version.predictions);
    const latest = (shown.length > 0 ? shown : versions).reduce((total, row) =>
      row.lastSeen > total.lastSeen ? row : total,
    );
    const reasons: string[] = [];
    const caveats: string[] = [];
    let now = false;
    let cadence: number | null = null;

    // Ageing: where two versions overlap and the younger is measurably more accurate on the same days, that age
    // effect sets the cadence (the age at which it costs `retrainDrop`); else the earliest drop age of any version.
    const drops = sections.retrain.filter(
      (retrainSignal) => retrainSignal.model === model && retrainSignal.dropAge !== null,
    );
    const measured = measuredAgeing(sections, model);
    if (measured) {
      const loss = -(measured.perAgeUnit as number);
      cadence = Math.max(1, Math.ceil(options.retrainDrop / loss));
      reasons.push(
        `ageing: on the same ${sections.window}s, ${measured.newer} (${(measured.ageGap as number).toFixed(0)} ${unit} younger) was ${((measured.difference as number) * 100).toFixed(1)} pts more accurate than ${measured.older}: ${(loss * 100).toFixed(2)} pts lost per ${sections.ageUnit} of age, ${pct(options.retrainDrop)} in ${cadence} ${unit}`,
      );
      if (latest.trainedAt !== null) {
        const unitMs = sections.ageUnit === "hour" ? 3_600_000 : 86_400_000;
        if ((Date.parse(latest.lastSeen) - Date.parse(latest.trainedAt)) / unitMs >= cadence) now = true;
      }
      if (drops.length > 0) {
        const at = drops.map((drop) => `${drop.dropAge} ${unit} (${drop.version})`).join(", ");
        caveats.push(
          `the drops at age ${at} do not set the cadence: they include calendar time, the age effect does not`,
        );
      }
    } else if (drops.length > 0) {
      const first = drops.reduce((total, retrainSignal) =>
        (retrainSignal.dropAge as number) < (total.dropAge as number) ? retrainSignal : total,
      );
      cadence = first.dropAge as number;
      reasons.push(
        `ageing: ${first.version} fell more than ${pct(options.retrainDrop)} below its first window at age ${first.dropAge} ${unit}`,
      );
      if (first.version === latest.version) now = true;
    }
    // Drift: features flagged major in the latest window of this model.
    const lastWindow = sections.drift
      .filter((row) => row.model === model)
      // biome-ignore lint/complexity/useMathMinMax: window starts are ISO strings, compared as text; Math.max makes them NaN
      .reduce((total, row) => (row.windowStart > total ? row.windowStart : total), "");
    const major = sections.drift.filter(
      (row) => row.model === model && row.windowStart === lastWindow && row.flag === "major",
    );
    if (major.length > 0) {
      const names = major
        .sort((left, right) => right.psi - left.psi)
        .slice(0, 3)
        .map((row) => `${row.feature} (PSI ${row.psi.toFixed(2)})`);
      reasons.push(`drift: ${major.length} feature(s) major in the latest window: ${names.join(", ")}`);
      now = true;
    }
    // Freshness: the latest window of the newest version, and when new items first reached the threshold.
    const fresh = sections.freshness.filter((row) => row.model === model && row.version === latest.version);
    const lastFresh = fresh[fresh.length - 1];
    if (lastFresh && lastFresh.shownNewShare !== null && lastFresh.shownNewShare >= options.freshnessShare) {
      const firstStale = fresh.find((row) => row.shownNewShare !== null && row.shownNewShare >= options.freshnessShare);
      const staleAfterMs = firstStale ? Date.parse(firstStale.windowStart) - Date.parse(firstStale.cutoff) : null;
      reasons.push(
        `freshness: ${pct(lastFresh.shownNewShare)} of shown items are newer than the model's data (threshold ${pct(options.freshnessShare)})`,
      );
      if (staleAfterMs !== null && staleAfterMs > 0) {
        const unitMs = sections.ageUnit === "hour" ? 3_600_000 : 86_400_000;
        const staleAge = Math.max(1, Math.floor(staleAfterMs / unitMs));
        cadence = cadence === null ? staleAge : Math.min(cadence, staleAge);
      }
      now = true;
    }
    // The label-free estimate: the latest estimated window against the version's first realized accuracy.
    const estimates = sections.labelFree.filter((row) => row.model === model && row.version === latest.version);
    const firstRealized = estimates.find(
      (estimate) => estimate.realizedAccuracy !== null && estimate.labeled >= options.minLabels,
    );
    const lastEstimate = [...estimates].reverse().find((row) => row.estimatedAccuracy !== null);
    if (firstRealized && lastEstimate && lastEstimate.estimatedAccuracy !== null) {
      const fall = (firstRealized.realizedAccuracy as number) - lastEstimate.estimatedAccuracy;
      if (fall > options.retrainDrop) {
        reasons.push(
          `estimate: accuracy estimated at ${pct(lastEstimate.estimatedAccuracy)} without labels, ${pct(fall)} below the first window's ${pct(firstRealized.realizedAccuracy as number)}`,
        );
        now = true;
      }
    } else if (estimates.some((estimate) => estimate.refused !== null)) {
      caveats.push(`no label-free estimate: ${estimates.find((estimate) => estimate.refused !== null)?.refused}`);
    }
    const compared = sections.ageEffect.filter((row) => row.model === model);
    if (drops.length > 0 && overlappingWindows(sections, model) === 0 && compared.length === 0) {
      caveats.push(
        "age and calendar time are confounded: one version at a time, so a drop at an age is also a drop in a calendar week (drift in that week may be the cause); run a challenger version beside it to tell them apart",
      );
    }
    // Where two versions overlap, the same-window comparison says how much of a drop age explains.
    for (const row of compared) caveats.push(`age or calendar time: ${row.verdict}`);
    const action =
      reasons.length === 0
        ? "no retrain needed yet"
        : now && cadence !== null
          ? `retrain now, then every ${cadence} ${unit}`
          : now
            ? "retrain now"
            : `retrain every ${cadence} ${unit}`;
    return { model, version: latest.version, action, cadence, cadenceUnit: sections.ageUnit, reasons, caveats };
  });
}
