import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_REPORT, reportNumbers, seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { STORE_KINDS, useStore } from "../../test/test-support.js";
import type { Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import { resolveReportOptions } from "./options.js";
import { ALL_SECTIONS, REPORT_SECTIONS, type ReportSection, resolveSections } from "./sections.js";
import type { Report } from "./types.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Every field of a report that some section fills. */
const SECTION_FIELDS = new Set<string>(Object.values(REPORT_SECTIONS).flat());

describe.each(STORE_KINDS)("a report of some sections (%s)", (kind) => {
  let store: Store;
  let full: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await seedMetricsFixture(store);
    full = reportNumbers(await computeReport(store, FIXTURE_REPORT));
  });

  it("has every section by default, each with rows on the fixture (so the comparisons below can fail)", () => {
    expect(full.sections).toEqual(ALL_SECTIONS);
    for (const section of ALL_SECTIONS) {
      const rows = REPORT_SECTIONS[section].map((field) => (full[field] as unknown[]).length);
      expect(Math.max(...rows), section).toBeGreaterThan(0);
    }
  });

  it.each([
    { window: "week", driftFrom: W1 + 9 * DAY, first: W1 + 7 * DAY },
    { window: "day", driftFrom: W1 + 8 * DAY + 5 * HOUR, first: W1 + 8 * DAY },
    { window: "week", driftFrom: W1 + 9 * DAY, first: W1 + 7 * DAY, referenceFrom: W1 + DAY },
  ] as const)(
    "starts drift at the window holding driftFrom, the rest as in the full report ($window windows)",
    async ({ window, driftFrom, first, ...reference }) => {
      const explicit =
        "referenceFrom" in reference
          ? { referenceFrom: reference.referenceFrom, referenceTo: reference.referenceFrom + 7 * DAY }
          : {};
      const options = { ...FIXTURE_REPORT, window, ...explicit };
      const all = reportNumbers(await computeReport(store, options));
      const later = reportNumbers(await computeReport(store, { ...options, driftFrom }));
      const kept = all.drift.filter((row) => Date.parse(row.windowStart) >= first);
      // Some rows before the first window, some from it: the comparison can fail either way.
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(all.drift.length);
      expect(later.drift).toEqual(kept);
      // Recommendations weigh each model's latest drift window the report has: before driftFrom, none (docs/metrics.md).
      expect({ ...later, drift: [], recommendations: [] }).toEqual({ ...all, drift: [], recommendations: [] });
    },
  );

  it.each([[], ...ALL_SECTIONS.map((section) => [section])].map((sections: ReportSection[]) => ({ sections })))(
    "computes $sections as the full report does and leaves the other sections empty",
    async ({ sections }) => {
      const some = reportNumbers(await computeReport(store, { ...FIXTURE_REPORT, sections }));
      const computed = resolveSections(sections);
      expect(some.sections).toEqual(computed);
      const fieldsOf = new Set<string>(computed.flatMap((section) => REPORT_SECTIONS[section]));
      for (const [field, value] of Object.entries(some)) {
        if (field === "sections") continue;
        const expected = !SECTION_FIELDS.has(field) || fieldsOf.has(field) ? full[field as keyof Report] : [];
        expect(value, field).toEqual(expected);
      }
    },
  );
});

describe("the sections option", () => {
  it("brings the sections a recommendation reads along with it, in a fixed order", () => {
    expect(resolveSections(["recommendations", "orphans"])).toEqual([
      "orphans",
      "calibration",
      "drift",
      "items",
      "challengers",
      "recommendations",
    ]);
  });

  it("refuses a driftFrom at or after the report's end, which would leave no drift window", () => {
    expect(() => resolveReportOptions({ to: 1_000, driftFrom: 1_000 })).toThrow(
      "Expected `driftFrom` to be before `to`, got driftFrom 1000 and to 1000",
    );
    expect(resolveReportOptions({ from: 5 * DAY + 1, driftFrom: 0, window: "day" }).driftFromMs).toBe(5 * DAY + 1);
  });

  it("names the field and the value it refuses", () => {
    expect(() => resolveSections(["drift", "nope"])).toThrow(
      'Expected `sections` to hold only orphans, calibration, drift, feedback, items, business, challengers, recommendations, got `"nope"`',
    );
    expect(() => resolveSections("drift")).toThrow(
      'Expected `sections` to be a list of report sections, got `"drift"`',
    );
  });
});
