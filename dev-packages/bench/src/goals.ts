/**
 * The goals, computed from the rows of one run. Each goal reports inferlog's figure,
 * the reference it is compared with (best peer, limit, or a fixed bound), and pass/fail.
 */
import type { Row } from "./measure.js";

export interface Result {
  scenario: string;
  rows: Row[];
}

export interface Goal {
  name: string;
  target: string;
  /** The measured ratio or figure, as text. */
  measured: string;
  pass: boolean | undefined;
  /** Measured over target, oriented so 1 = exactly at the goal and above 1 = better than the goal (for the chart). */
  attainment: number | undefined;
}

/**
 * The browser size test's ceiling for the built files (packages/browser/src/bundle-size.test.ts): 10 KB
 * until issues 18 and 23 bought correctness (default diagnostics, nothing lost at page close) with ~4 KB;
 * checking every option's shape at createClient raised it by 290 B, fields left out by validation said (by the
 * page's validator or in the collector's answer) by 143 B.
 */
const BROWSER_BUNDLE_CEILING = 15_530;
/** The browser-bundle scenario's row for the size test's own fixture, built from dist. */
export const SIZE_TEST_METRIC =
  "browser bundle, the size test's fixture (init + prediction + exposure + feedback, gzip -9)";
const OUTAGE_LABELS = ["outage (connection resets)", "outage (503)", "outage (503, HTML body)"];
const isInferlog = (r: Row) => r.subject.startsWith("inferlog");
const find = (results: Result[], scenario: string, metric: string) =>
  results.find((r) => r.scenario === scenario)?.rows.filter((r) => r.metric === metric) ?? [];

/** The best qualifying peer: not inferlog, not a reference, not excluded, measured. */
export function bestPeer(rows: Row[], better: "lower" | "higher"): Row | undefined {
  const peers = rows.filter((r) => !isInferlog(r) && !r.reference && !r.excluded && r.value !== null);
  return peers.sort((a, b) => ((a.value as number) - (b.value as number)) * (better === "lower" ? 1 : -1))[0];
}

function ratioGoal(
  results: Result[],
  name: string,
  scenario: string,
  metric: string,
  against: "peer" | "reference",
  op: "<=" | ">=" | "<",
  bound: number,
  target: string,
): Goal {
  const rows = find(results, scenario, metric);
  const mine = rows.find(isInferlog);
  const ref = against === "peer" ? bestPeer(rows, rows[0]?.better ?? "lower") : rows.find((r) => r.reference);
  if (!mine || mine.value === null || !ref || ref.value === null || ref.value === 0)
    return { name, target, measured: "not measured", pass: undefined, attainment: undefined };
  const ratio = mine.value / ref.value;
  const pass = op === "<=" ? ratio <= bound : op === "<" ? ratio < bound : ratio >= bound;
  return {
    name,
    target,
    measured: `${ratio.toFixed(2)}x ${ref.subject}`,
    pass,
    attainment: op === ">=" ? ratio / bound : bound / ratio,
  };
}

function deliveryGoal(results: Result[], scenario: string, label: string, subject = "inferlog"): Goal {
  const name = `${label}, ${subject}: 100% delivered, 0 duplicates after dedup`;
  const target = "100% and 0";
  const mine = (r: Row) => r.subject === subject;
  const delivered = find(results, scenario, `${label}: delivered / sent`).find(mine);
  const dups = find(results, scenario, `${label}: duplicates after dedup on event id`).find(mine);
  if (!delivered || delivered.value === null || !dups || dups.value === null)
    return { name, target, measured: "not measured", pass: undefined, attainment: undefined };
  return {
    name,
    target,
    measured: `${delivered.value.toFixed(1)}%, ${dups.value} duplicates`,
    pass: delivered.value === 100 && dups.value === 0,
    attainment: (delivered.value / 100) * (dups.value === 0 ? 1 : 0.5),
  };
}

export function computeGoals(results: Result[]): Goal[] {
  const worst = find(results, "hot-path", "logging call: worst").find(isInferlog);
  const goals: Goal[] = [
    ratioGoal(
      results,
      "app CPU per delivered event at 10,000 events/s vs cheapest peer delivering all",
      "steady",
      "app CPU per delivered event at 10,000 events/s",
      "peer",
      "<=",
      0.5,
      "≤ 0.50x",
    ),
    worst && worst.value !== null
      ? {
          name: "worst single logging call (10-feature prediction)",
          target: "≤ 1 ms",
          measured: `${(worst.value / 1e6).toFixed(2)} ms`,
          pass: worst.value <= 1e6,
          attainment: 1e6 / Math.max(1, worst.value),
        }
      : {
          name: "worst logging call",
          target: "≤ 1 ms",
          measured: "not measured",
          pass: undefined,
          attainment: undefined,
        },
    ratioGoal(
      results,
      "mean logging call vs fastest peer",
      "hot-path",
      "logging call: mean",
      "peer",
      "<=",
      1 / 7,
      "≤ 0.14x (one seventh)",
    ),
    ratioGoal(
      results,
      "sustained rate (200,000 events) vs best peer delivering every event",
      "throughput",
      "throughput, all events delivered",
      "peer",
      ">=",
      5,
      "≥ 5x",
    ),
    ratioGoal(
      results,
      "sustained rate vs bare-loop limit",
      "throughput",
      "throughput, all events delivered",
      "reference",
      ">=",
      0.6,
      "≥ 0.60x",
    ),
    ...OUTAGE_LABELS.flatMap((label) => [
      deliveryGoal(results, "outage", label),
      deliveryGoal(results, "outage", label, "inferlog (spool on)"),
    ]),
    deliveryGoal(results, "exit", "exit", "inferlog (await client.shutdown())"),
  ];
  const held = find(results, "memory", "events held / configured queue bound").find(isInferlog);
  const growth = find(results, "memory", "heap growth over the next 100k events (0 = bounded queue)").find(isInferlog);
  goals.push(
    held && held.value !== null && growth && growth.value !== null
      ? {
          name: "memory stays within the configured queue bound",
          target: "held ≤ bound, no growth",
          measured: `${(held.value * 100).toFixed(0)}% of bound, +${growth.value.toFixed(1)} MiB over the next 100k`,
          pass: held.value <= 1 && !growth.note?.includes("EXCEEDED") && growth.value < 2,
          attainment: held.value > 0 ? Math.min(3, 1 / held.value) : 3,
        }
      : {
          name: "memory bound",
          target: "held ≤ bound",
          measured: "not measured",
          pass: undefined,
          attainment: undefined,
        },
    ratioGoal(
      results,
      "wire bytes per event vs best peer",
      "throughput",
      "wire bytes per event",
      "peer",
      "<",
      1,
      "< 1x",
    ),
  );
  // Judged on the figure the browser package's size test holds to the same ceiling, so the two cannot disagree.
  const bundle = find(results, "browser-bundle", SIZE_TEST_METRIC).find(isInferlog);
  goals.push(
    bundle && bundle.value !== null
      ? {
          name: `browser bundle ≤ ${BROWSER_BUNDLE_CEILING.toLocaleString("en-US")} B gzipped (the size test's fixture)`,
          target: `≤ ${BROWSER_BUNDLE_CEILING.toLocaleString("en-US")} B`,
          measured: `${bundle.value.toLocaleString("en-US")} B`,
          pass: bundle.value <= BROWSER_BUNDLE_CEILING,
          attainment: BROWSER_BUNDLE_CEILING / bundle.value,
        }
      : {
          name: "browser bundle",
          target: `≤ ${BROWSER_BUNDLE_CEILING.toLocaleString("en-US")} B`,
          measured: "not measured",
          pass: undefined,
          attainment: undefined,
        },
  );
  goals.push(
    ratioGoal(
      results,
      "browser main thread with IndexedDB vs persistence: false, 10,000-event burst",
      "browser-main-thread",
      "main-thread task time per event, 10,000-event burst",
      "reference",
      "<=",
      2,
      "≤ 2x",
    ),
    ratioGoal(
      results,
      "browser main thread with IndexedDB vs persistence: false, one event per task",
      "browser-main-thread",
      "main-thread task time per event, one event per task",
      "reference",
      "<=",
      2,
      "≤ 2x",
    ),
  );
  const longest = find(results, "browser-main-thread", "longest main-thread task after a 10,000-event burst").find(
    isInferlog,
  );
  goals.push({
    name: "browser: longest main-thread task after a 10,000-event burst (IndexedDB)",
    target: "≤ 50 ms",
    measured:
      longest?.value == null
        ? "not measured"
        : longest.value === 0
          ? "no task ≥ 50 ms"
          : `${longest.value.toFixed(0)} ms`,
    pass: longest?.value == null ? undefined : longest.value <= 50,
    attainment: longest?.value == null ? undefined : 50 / Math.max(1, longest.value),
  });
  return goals;
}
