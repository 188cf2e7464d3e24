import { describe, expect, it } from "vitest";
import type { AgeEffectRow, Report } from "../metrics/types.js";
import { challengerTables } from "./challenger-tables.js";

const age: AgeEffectRow = {
  model: "m",
  older: "2026.08",
  newer: "2026.09",
  windows: 2,
  firstWindow: "2026-09-21T00:00:00.000Z",
  lastWindow: "2026-09-28T00:00:00.000Z",
  ageGap: 15,
  method: "paired",
  n: 2819,
  difference: 0.024,
  ciLow: 0.018,
  ciHigh: 0.029,
  pValue: 1e-9,
  perAgeUnit: -0.0016,
  perAgeUnitLow: -0.00193,
  perAgeUnitHigh: -0.0012,
  olderChange: -0.202,
  newerChange: -0.198,
  olderDropAge: 23,
  olderDrop: 0.056,
  ageExplains: 0.024,
  ageExplainsLow: 0.018,
  ageExplainsHigh: 0.029,
  calendarRest: 0.032,
  verdict: "the verdict",
};

describe("the age-or-calendar tables", () => {
  it("show the age effect in points, its rate per day of age, and the drop with the part age explains", () => {
    const r = {
      ageUnit: "day",
      window: "week",
      confounding: [],
      sameWindow: [],
      ageEffect: [age],
    } as unknown as Report;
    const [confounding, effect, same] = challengerTables(r);
    expect([confounding?.id, effect?.id, same?.id]).toEqual(["confounding", "age-effect", "same-window"]);
    expect(effect?.rows).toEqual([
      [
        "m",
        "2026.08",
        "2026.09",
        "15",
        "2",
        "paired",
        "2819",
        "+2.4",
        "+1.8 to +2.9",
        "< 0.001",
        "-0.16 (-0.19 to -0.12)",
        "5.6 at 23 d",
        "2.4 (1.8 to 2.9)",
        "the verdict",
      ],
    ]);
    expect(confounding?.rows).toEqual([]);
    expect(confounding?.empty).toBe("No labeled predictions in the report's range.");
  });
});
