import { describe, expect, it } from "vitest";
import { type AgeEffectOptions, compareVersions } from "./age-effect.js";
import type { PairWindow, VersionWindow } from "./challenger.js";
import type { VersionRow } from "./types.js";

const DAY = 86_400_000;
const W1 = Date.parse("2026-09-21T00:00:00Z");
const W2 = W1 + 7 * DAY;
const T0 = Date.parse("2026-09-05T00:00:00Z");
const OPTIONS: AgeEffectOptions = {
  window: "week",
  ageUnit: "day",
  ageUnitMs: DAY,
  ageWindow: 7,
  minLabels: 30,
  retrainDrop: 0.05,
};

const version = (v: string, trainedMs: number | null, predictions: number, shadow: number): VersionRow => ({
  model: "m",
  version: v,
  firstSeen: new Date(W1).toISOString(),
  lastSeen: new Date(W2).toISOString(),
  predictions,
  shadowPredictions: shadow,
  trainedAt: trainedMs === null ? null : new Date(trainedMs).toISOString(),
  dataCutoff: null,
  deployedAt: null,
});
const vw = (v: string, windowMs: number, labeled: number, correct: number, shadow: number): VersionWindow => ({
  model: "m",
  version: v,
  windowMs,
  predictions: labeled,
  shadow,
  labeled,
  correct,
});
const pw = (windowMs: number, pairs: number, firstOnly: number, secondOnly: number): PairWindow => ({
  model: "m",
  first: "2026.08",
  second: "2026.09",
  windowMs,
  pairs,
  firstOnly,
  secondOnly,
});

/**
 * "2026.08" (trained at T0) shown and the challenger "2026.09" (trained 15 days later) on the same 100 requests in
 * each of two weeks: 80 and 82 right in week 1, 60 and 62 in week 2 (the challenger alone right on 2 a week, the
 * older never alone). The older version's retrain signal: 85 % in its first window (ages 2-8), 79 % at age 23.
 */
const inputs = {
  windows: [
    vw("2026.08", W1, 100, 80, 0),
    vw("2026.08", W2, 100, 60, 0),
    vw("2026.09", W1, 100, 82, 100),
    vw("2026.09", W2, 100, 62, 100),
  ],
  pairs: [pw(W1, 100, 0, 2), pw(W2, 100, 0, 2)],
  versions: [version("2026.08", T0, 200, 0), version("2026.09", T0 + 15 * DAY, 200, 200)],
  retrain: [
    {
      model: "m",
      version: "2026.08",
      firstWindowAccuracy: 0.85,
      firstWindowLabeled: 700,
      dropAge: 23,
      dropAccuracy: 0.79,
    },
  ],
  modelAge: [2, 3, 23].map((age) => ({
    model: "m",
    version: "2026.08",
    age,
    labeled: 100,
    correct: 80,
    accuracy: 0.8,
    slidingAccuracy: 0.8,
    slidingLabeled: 100,
  })),
};

/** The quality rows the report would have beside these windows: each version served where it was labeled. */
const served = <T extends { windows: VersionWindow[] }>(x: T) => ({
  ...x,
  quality: x.windows.map((w) => ({ model: w.model, version: w.version, volume: w.predictions, labeled: w.labeled })),
});

describe("the age effect where versions overlap", () => {
  it("pools the paired weeks, reads them per day of age, splits the older version's drop and names the calendar fall", () => {
    const { ageEffect, sameWindow, confounding } = compareVersions(served(inputs), OPTIONS);
    expect(sameWindow.map((r) => [r.older, r.newer, r.olderRole, r.newerRole, r.paired, r.difference])).toEqual([
      ["2026.08", "2026.09", "shown", "shadow", 100, 0.02],
      ["2026.08", "2026.09", "shown", "shadow", 100, 0.02],
    ]);
    const [a] = ageEffect;
    // n = 200, b = 0, c = 4: difference 0.02, standard error √(4 − 16 / 200) / 200.
    const se = Math.sqrt(3.92) / 200;
    expect(a).toMatchObject({ older: "2026.08", newer: "2026.09", ageGap: 15, windows: 2, n: 200, olderDropAge: 23 });
    expect(a?.difference).toBeCloseTo(0.02, 12);
    expect(a?.ciLow).toBeCloseTo(0.02 - 1.959963984540054 * se, 12);
    expect(a?.perAgeUnit).toBeCloseTo(-0.02 / 15, 12);
    // The drop of 6 points between the first window (ages 2-8) and the one ending at 23 (17-23): 15 days of age.
    expect(a?.olderDrop).toBeCloseTo(0.06, 12);
    expect(a?.ageExplains).toBeCloseTo(0.02, 12);
    expect(a?.ageExplainsHigh).toBeCloseTo(0.02 + 1.959963984540054 * se, 12);
    expect(a?.calendarRest).toBeCloseTo(0.04, 12);
    expect(a?.olderChange).toBeCloseTo(-0.2, 12);
    expect(a?.newerChange).toBeCloseTo(-0.2, 12);
    expect(a?.verdict).toBe(
      "on the same weeks, 2026.09 (15 d younger) was more accurate than 2026.08 by +2.0 pts (95% CI +0.1 to +3.9): -0.13 pts per day of age; " +
        "from the week of 2026-09-21 to that of 2026-09-28 both fell on the same days, 2026.08 by 20.0 pts and 2026.09 by 20.0, though 15 d apart in age: a change both show at once is calendar time (the world changed) beyond the 0.9 pts that 7 d of age explain; " +
        "of the 6.0-pt drop of 2026.08 at age 23 d, age accounts for 2.0 pts (0.1 to 3.9) and calendar time for the other 4.0: age and calendar time both count",
    );
    expect(confounding).toEqual([
      {
        model: "m",
        versions: 2,
        overlappingWindows: 2,
        pairedRequests: 200,
        confounded: false,
        statement:
          "age and calendar time are told apart on 2 weeks (2026-09-21 to 2026-09-28): 200 labeled requests scored by two versions; outside them they stay confounded",
      },
    ]);
  });

  it("gives no estimate below minLabels, and no age gap without trainedAt", () => {
    const few = { ...inputs, pairs: [pw(W1, 20, 0, 2)], windows: inputs.windows.filter((w) => w.windowMs === W1) };
    const [a] = compareVersions(served(few), OPTIONS).ageEffect;
    expect(a).toMatchObject({ n: 20, difference: null, perAgeUnit: null, ageExplains: null });
    expect(a?.verdict).toBe("too few labeled requests to compare 2026.08 and 2026.09: 20 < minLabels 30");
    const untrained = { ...inputs, versions: inputs.versions.map((v) => ({ ...v, trainedAt: null })) };
    const [b] = compareVersions(served(untrained), OPTIONS).ageEffect;
    expect(b).toMatchObject({ ageGap: null, perAgeUnit: null, ageExplains: null });
    expect(b?.difference).toBeCloseTo(0.02, 12);
  });

  it("says plainly when one version at a time leaves age and calendar time confounded", () => {
    const single = { ...inputs, windows: inputs.windows.filter((w) => w.version === "2026.08"), pairs: [] };
    const { ageEffect, sameWindow, confounding } = compareVersions(served(single), OPTIONS);
    expect([ageEffect, sameWindow]).toEqual([[], []]);
    expect(confounding[0]?.confounded).toBe(true);
    expect(confounding[0]?.statement).toMatch(
      /^age and calendar time are confounded: one version served the whole report/,
    );
    const apart = {
      ...inputs,
      windows: [vw("2026.08", W1, 100, 80, 0), vw("2026.09", W2, 100, 82, 0)],
      pairs: [],
    };
    expect(compareVersions(served(apart), OPTIONS).confounding[0]?.statement).toMatch(
      /^age and calendar time are confounded: 2 versions, but never two labeled in the same week, so accuracy by model age is accuracy by calendar week/,
    );
  });
});
