import type { AgeEffectOptions } from "./age-effect.js";
import type { AgeEffectRow, ConfoundingRow } from "./challenger-types.js";
import { iso } from "./run.js";

/** The age-or-calendar findings in words (age-effect.ts computes the numbers). */

const pts = (v: number, signed = false, digits = 1): string =>
  `${signed && v > 0 ? "+" : ""}${(v * 100).toFixed(digits)}`;
const amount = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function verdict(r: AgeEffectRow, o: AgeEffectOptions): string {
  const u = o.ageUnit === "hour" ? "h" : "d";
  if (r.difference === null || r.ciLow === null || r.ciHigh === null) {
    return `too few labeled requests to compare ${r.older} and ${r.newer}: ${r.n} < minLabels ${o.minLabels}`;
  }
  const younger = r.ageGap === null ? "" : ` (${amount(Number(r.ageGap.toFixed(1)))} ${u} younger)`;
  const diff = `${pts(r.difference, true)} pts (95% CI ${pts(r.ciLow, true)} to ${pts(r.ciHigh, true)})`;
  const where = `on the same ${o.window}s, ${r.newer}${younger}`;
  const parts: string[] = [];
  if (r.ciLow > 0) {
    const rate = r.perAgeUnit === null ? "" : `: ${pts(r.perAgeUnit, true, 2)} pts per ${o.ageUnit} of age`;
    parts.push(`${where} was more accurate than ${r.older} by ${diff}${rate}`);
  } else if (r.ciHigh < 0) {
    parts.push(
      `${where} was less accurate than ${r.older} by ${diff}: the versions differ by more than their age, so this pair measures no age effect`,
    );
  } else {
    parts.push(`${where} was not measurably more accurate than ${r.older}: ${diff}`);
  }
  const a = r.olderChange;
  const b = r.newerChange;
  if (
    a !== null &&
    b !== null &&
    Math.sign(a) === Math.sign(b) &&
    Math.min(Math.abs(a), Math.abs(b)) >= o.retrainDrop
  ) {
    const apart = r.ageGap === null ? "at different ages" : `${amount(Number(r.ageGap.toFixed(1)))} ${u} apart in age`;
    // Both versions also aged between the two windows: what the age effect gives for that time is set aside.
    const aged = (Date.parse(r.lastWindow) - Date.parse(r.firstWindow)) / o.ageUnitMs;
    const ofAge =
      r.perAgeUnit === null
        ? ""
        : ` beyond the ${pts(Math.abs(r.perAgeUnit * aged))} pts that ${amount(aged)} ${u} of age explain`;
    parts.push(
      `from the ${o.window} of ${r.firstWindow.slice(0, 10)} to that of ${r.lastWindow.slice(0, 10)} both ${a < 0 ? "fell" : "rose"} on the same days, ${r.older} by ${pts(Math.abs(a))} pts and ${r.newer} by ${pts(Math.abs(b))}, though ${apart}: a change both show at once is calendar time (the world changed)${ofAge}`,
    );
  }
  if (r.ciHigh >= 0 && r.olderDrop !== null && r.ageExplains !== null && r.calendarRest !== null) {
    const lo = Math.max(0, r.ageExplainsLow ?? 0);
    const hi = Math.max(0, r.ageExplainsHigh ?? 0);
    const most =
      hi < r.olderDrop / 2
        ? "most of the drop is calendar time"
        : lo > r.olderDrop / 2
          ? "most of the drop is age"
          : "age and calendar time both count";
    parts.push(
      `of the ${pts(r.olderDrop)}-pt drop of ${r.older} at age ${r.olderDropAge} ${u}, age accounts for ${pts(Math.max(0, r.ageExplains))} pts (${pts(lo)} to ${pts(hi)}) and calendar time for the other ${pts(r.olderDrop - Math.max(0, r.ageExplains))}: ${most}`,
    );
  }
  return parts.join("; ");
}

export function statement(
  model: string,
  versions: number,
  shared: number[],
  pairedRequests: number,
  o: AgeEffectOptions,
): ConfoundingRow {
  const w = o.window;
  const base = { model, versions, overlappingWindows: shared.length, pairedRequests };
  if (shared.length === 0) {
    const why =
      versions <= 1
        ? `one version served the whole report`
        : `${versions} versions, but never two labeled in the same ${w}`;
    return {
      ...base,
      confounded: true,
      statement: `age and calendar time are confounded: ${why}, so accuracy by model age is accuracy by calendar ${w} (a change at some age may be the world changing that ${w}); log a challenger (\`shadow: true\`) beside the live version to tell them apart`,
    };
  }
  const span = `${iso(shared[0] as number).slice(0, 10)} to ${iso(shared[shared.length - 1] as number).slice(0, 10)}`;
  const how =
    pairedRequests > 0
      ? `${pairedRequests} labeled requests scored by two versions`
      : "two versions on different requests (unpaired: no challenger)";
  return {
    ...base,
    confounded: false,
    statement: `age and calendar time are told apart on ${shared.length} ${w}${shared.length === 1 ? "" : "s"} (${span}): ${how}; outside them they stay confounded`,
  };
}
