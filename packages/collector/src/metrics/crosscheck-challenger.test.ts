import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "@inferlog/test-support/seeded-random";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { W1 } from "../../test/metrics-fixture.js";
import { eventMaker, STORE_KINDS, type StoreFixture, storeFixture } from "../../test/test-support.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import { Z_95 } from "./paired-tests.js";
import type { Report } from "./types.js";

// Debian's own interpreter: another python (pyenv, conda) may come first on PATH without SciPy.
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../test/crosscheck-challenger.py");
const TOLERANCE = 1e-9;
const DAY = 86_400_000;

const ev = eventMaker("xcc", "xc");

/**
 * Random data: model "p", version "old" shown and the challenger "new" on the same requests over two weeks (300
 * and 250 requests, right with chances 0.7 and 0.75, correlated); model "u", two versions on different requests
 * of one week (an A/B split). The right/wrong of each request go to SciPy as they are.
 */
function generate() {
  const r = seededRandom(77);
  const events: IncomingEvent[] = [];
  const py = {
    pairedWeeks: [] as { older: boolean[]; newer: boolean[] }[],
    unpaired: { older: [] as boolean[], newer: [] as boolean[] },
  };
  const old = { name: "p", version: "old", trainedAt: new Date(W1 - 20 * DAY).toISOString() };
  const young = { name: "p", version: "new", trainedAt: new Date(W1 - 2 * DAY).toISOString() };
  for (const [week, count] of [
    [0, 300],
    [1, 250],
  ] as const) {
    const w = { older: [] as boolean[], newer: [] as boolean[] };
    for (let i = 0; i < count; i++) {
      const t = W1 + week * 7 * DAY + Math.floor(r() * 7 * DAY);
      const pid = `p-${week}-${i}`;
      const hard = r();
      const olderRight = hard < 0.7;
      const newerRight = r() < 0.15 ? !olderRight : hard < 0.75;
      w.older.push(olderRight);
      w.newer.push(newerRight);
      const out = (right: boolean) => ({ label: right ? "y" : "n" });
      events.push(ev("ml.prediction", t, { predictionId: pid, model: old, output: out(olderRight) }));
      events.push(ev("ml.prediction", t, { predictionId: pid, model: young, output: out(newerRight), shadow: true }));
      events.push(ev("ml.outcome", t + DAY, { predictionId: pid, modelName: "p", label: "y", source: "human" }));
    }
    py.pairedWeeks.push(w);
  }
  for (const [version, count, chance] of [
    ["1", 180, 0.6],
    ["2", 140, 0.68],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const t = W1 + Math.floor(r() * 7 * DAY);
      const right = r() < chance;
      (version === "1" ? py.unpaired.older : py.unpaired.newer).push(right);
      const pid = `u-${version}-${i}`;
      events.push(
        ev("ml.prediction", t, {
          predictionId: pid,
          model: { name: "u", version },
          output: { label: right ? "y" : "n" },
        }),
      );
      events.push(ev("ml.outcome", t + DAY, { predictionId: pid, modelName: "u", label: "y", source: "human" }));
    }
  }
  return { events, py };
}

interface PyPaired {
  n: number;
  olderOnly: number;
  newerOnly: number;
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
}
interface PyResult {
  z: number;
  pairedWeeks: PyPaired[];
  pairedPooled: PyPaired;
  unpaired: Omit<PyPaired, "n" | "olderOnly" | "newerOnly">;
}

describe.each(STORE_KINDS)("the version comparison in the %s store agrees with SciPy", (kind) => {
  let fx: StoreFixture;
  let store: Store;
  let report: Report;
  let py: PyResult;
  beforeAll(async () => {
    const { events, py: input } = generate();
    py = JSON.parse(execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: "utf8" })) as PyResult;
    fx = storeFixture(kind);
    store = await fx.open();
    await store.insertBatch(events);
    report = await computeReport(store, { now: W1 + 30 * DAY, window: "week", minLabels: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await fx?.cleanup();
  });
  const close = (got: number | null, want: number) =>
    expect(Math.abs((got ?? Number.NaN) - want)).toBeLessThan(TOLERANCE);

  it("uses the normal quantile SciPy gives", () => {
    close(Z_95, py.z);
  });

  it("paired, per week: discordant counts, difference, Wald interval and McNemar's exact p", () => {
    const rows = report.sameWindow.filter((x) => x.model === "p");
    expect(rows).toHaveLength(2);
    rows.forEach((row, i) => {
      const want = py.pairedWeeks[i] as PyPaired;
      expect([row.paired, row.olderOnlyRight, row.newerOnlyRight]).toEqual([want.n, want.olderOnly, want.newerOnly]);
      close(row.difference, want.difference);
      close(row.ciLow, want.ciLow);
      close(row.ciHigh, want.ciHigh);
      close(row.pValue, want.pValue);
    });
  });

  it("pooled over the shared weeks, and per day of the 18-day age gap", () => {
    const [a] = report.ageEffect.filter((x) => x.model === "p");
    const want = py.pairedPooled;
    expect([a?.n, a?.ageGap, a?.windows]).toEqual([want.n, 18, 2]);
    close(a?.difference ?? null, want.difference);
    close(a?.ciLow ?? null, want.ciLow);
    close(a?.pValue ?? null, want.pValue);
    close(a?.perAgeUnit ?? null, -want.difference / 18);
    close(a?.perAgeUnitLow ?? null, -want.ciHigh / 18);
  });

  it("unpaired, on different requests: difference, Wald interval and the z test's p", () => {
    const [row] = report.sameWindow.filter((x) => x.model === "u");
    expect(row?.method).toBe("unpaired");
    close(row?.difference ?? null, py.unpaired.difference);
    close(row?.ciLow ?? null, py.unpaired.ciLow);
    close(row?.ciHigh ?? null, py.unpaired.ciHigh);
    close(row?.pValue ?? null, py.unpaired.pValue);
  });
});
