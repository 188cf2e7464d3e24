import { ConfigError, showValue } from "@inferlog/core";

/**
 * Parts of a report that `ReportOptions.sections` can leave out, each with the report fields it fills. The rest
 * (versions, quality, model age, the retrain signal, label latency, alerts) is always computed: it is cheap, and
 * most sections read it. A section left out is an empty list in the report, and `Report.sections` says which were
 * computed.
 */
export const REPORT_SECTIONS = {
  orphans: ["orphans"],
  calibration: ["calibration", "labelFree"],
  drift: ["drift"],
  feedback: ["feedback", "exposureAge"],
  items: ["itemAge", "freshness", "newItems"],
  business: ["business", "businessByUse"],
  challengers: ["sameWindow", "ageEffect", "confounding"],
  recommendations: ["recommendations"],
} as const;
export type ReportSection = keyof typeof REPORT_SECTIONS;
export const ALL_SECTIONS = Object.keys(REPORT_SECTIONS) as ReportSection[];

/** What each section reads of the others: a recommendation weighs drift, freshness, the estimate and the age effect. */
const NEEDS: Partial<Record<ReportSection, readonly ReportSection[]>> = {
  recommendations: ["drift", "items", "calibration", "challengers"],
};

/** The sections to compute, with those they read, in `ALL_SECTIONS` order; every one when `sections` is absent. */
export function resolveSections(sections: unknown): ReportSection[] {
  if (sections === undefined) return ALL_SECTIONS;
  if (!Array.isArray(sections)) {
    throw new ConfigError(`Expected \`sections\` to be a list of report sections, got \`${showValue(sections)}\``);
  }
  const wanted = new Set<ReportSection>();
  for (const section of sections) {
    if (typeof section !== "string" || !Object.hasOwn(REPORT_SECTIONS, section)) {
      throw new ConfigError(
        `Expected \`sections\` to hold only ${ALL_SECTIONS.join(", ")}, got \`${showValue(section)}\``,
      );
    }
    wanted.add(section as ReportSection);
    for (const needed of NEEDS[section as ReportSection] ?? []) wanted.add(needed);
  }
  return ALL_SECTIONS.filter((section) => wanted.has(section));
}
