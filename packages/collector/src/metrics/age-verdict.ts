import type { AgeEffectOptions } from "./age-effect.js";
import type { AgeEffectRow, ConfoundingRow } from "./challenger-types.js";
import { iso } from "./run.js";

/** The age-or-calendar findings in words (age-effect.ts computes the numbers). */

const pts = (value: number, signed = false, digits = 1): string =>
  `${signed && value > 0 ? "+" : ""}${(value * 100).toFixed(digits)}`;
const amount = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export function verdict(row: AgeEffectRow, options: AgeEffectOptions): string {
  const url = options.ageUnit === "hour" ? "h" : "d";
  if (row.difference === null || row.ciLow === null || row.ciHigh === null) {
    return `too few labeled requests to compare ${row.older} and ${row.newer}: ${row.n} < minLabels ${options.minLabels}`;
  }
  const younger = row.ageGap === null ? "" : ` (${amount(Number(row.ageGap.toFixed(1)))} ${url} younger)`;
  const diff = `${pts(row.difference, true)} pts (95% CI ${pts(row.ciLow, true)} to ${pts(row.ciHigh, true)})`;
  const where = `on the same ${options.window}s, ${row.newer}${younger}`;
  const parts: string[] = [];
  if (row.ciLow > 0) {
    const rate = row.perAgeUnit === null ? "" : `: ${pts(row.perAgeUnit, true, 2)} pts per ${options.ageUnit} of age`;
    parts.push(`${where} was more accurate than ${row.older} by ${diff}${rate}`);
  } else if (row.ciHigh < 0) {
    parts.push(
      `${where} was less accurate than ${row.older} by ${diff}: the versions differ by more than their age, so this pair measures no age effect`,
    );
  } else {
    parts.push(`${where} was not measurably more accurate than ${row.older}: ${diff}`);
  }
  const left = row.olderChange;
  const bytes = row.newerChange;
  if (
    left !== null &&
    bytes !== null &&
    Math.sign(left) === Math.sign(bytes) &&
    Math.min(Math.abs(left), Math.abs(bytes)) >= options.retrainDrop
  ) {
    const apart =
      row.ageGap === null ? "at different ages" : `${amount(Number(row.ageGap.toFixed(1)))} ${url} apart in age`;
    // Both versions also aged between the two windows: what the age effect gives for that time is set aside.
    const aged = (Date.parse(row.lastWindow) - Date.parse(row.firstWindow)) / options.ageUnitMs;
    const ofAge =
      row.perAgeUnit === null
        ? ""
        : ` beyond the ${pts(Math.abs(row.perAgeUnit * aged))} pts that ${amount(aged)} ${url} of age explain`;
    parts.push(
      `from the ${options.window} of ${row.firstWindow.slice(0, 10)} to that of ${row.lastWindow.slice(0, 10)} both ${left < 0 ? "fell" : "rose"} on the same days, ${row.older} by ${pts(Math.abs(left))} pts and ${row.newer} by ${pts(Math.abs(bytes))}, though ${apart}: a change both show at once is calendar time (the world changed)${ofAge}`,
    );
  }
  if (row.ciHigh >= 0 && row.olderDrop !== null && row.ageExplains !== null && row.calendarRest !== null) {
    const lo = Math.max(0, row.ageExplainsLow ?? 0);
    const hi = Math.max(0, row.ageExplainsHigh ?? 0);
    const most =
      hi < row.olderDrop / 2
        ? "most of the drop is calendar time"
        : lo > row.olderDrop / 2
          ? "most of the drop is age"
          : "age and calendar time both count";
    parts.push(
      `of the ${pts(row.olderDrop)}-pt drop of ${row.older} at age ${row.olderDropAge} ${url}, age accounts for ${pts(Math.max(0, row.ageExplains))} pts (${pts(lo)} to ${pts(hi)}) and calendar time for the other ${pts(row.olderDrop - Math.max(0, row.ageExplains))}: ${most}`,
    );
  }
  return parts.join("; ");
}

export function statement(
  model: string,
  versions: number,
  shared: number[],
  pairedRequests: number,
  options: AgeEffectOptions,
): ConfoundingRow {
  const text = options.window;
  const base = { model, versions, overlappingWindows: shared.length, pairedRequests };
  if (shared.length === 0) {
    const why =
      versions <= 1
        ? `one version served the whole report`
        : `${versions} versions, but never two labeled in the same ${text}`;
    return {
      ...base,
      confounded: true,
      statement: `age and calendar time are confounded: ${why}, so accuracy by model age is accuracy by calendar ${text} (a change at some age may be the world changing that ${text}); log a challenger (\`shadow: true\`) beside the live version to tell them apart`,
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
    statement: `age and calendar time are told apart on ${shared.length} ${text}${shared.length === 1 ? "" : "s"} (${span}): ${how}; outside them they stay confounded`,
  };
}
