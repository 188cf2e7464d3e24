import { ConfigError, checkOption as need } from "@inferlog/core";
import type { ReportOptions } from "../metrics/options.js";

const STRINGS = ["model", "window", "from", "to", "now", "referenceFrom", "referenceTo", "driftFrom"] as const;
const INTEGERS = ["k", "minLabels", "ageWindowDays", "ageWindowHours", "defaultOutcomeTtlSeconds"] as const;
const NUMBERS = ["retrainDrop", "maxEce", "freshnessShare"] as const;
/** Lists, comma-separated: `sections=drift,feedback`. */
const LISTS = ["sections"] as const;
export const REPORT_PARAMS: readonly string[] = [...STRINGS, ...INTEGERS, ...NUMBERS, ...LISTS];

/**
 * Report options from text (URL query parameters, CLI flags). Times stay strings (RFC 3339) or
 * become ms when all digits; resolveReportOptions then checks every value and names the field.
 */
export function parseReportParams(params: Iterable<[string, string]>): ReportOptions {
  const out: Record<string, string | number | string[]> = {};
  for (const [key, value] of params) {
    if (!REPORT_PARAMS.includes(key)) {
      throw new ConfigError(`Unknown report parameter \`${key}\` (known: ${REPORT_PARAMS.join(", ")})`);
    }
    if ((INTEGERS as readonly string[]).includes(key) || (NUMBERS as readonly string[]).includes(key)) {
      const item = value.trim() === "" ? Number.NaN : Number(value);
      need(Number.isFinite(item), key, "a number", value);
      out[key] = item;
    } else if ((LISTS as readonly string[]).includes(key)) {
      out[key] = value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    } else {
      out[key] = key !== "model" && key !== "window" && /^\d+$/.test(value) ? Number(value) : value;
    }
  }
  return out as ReportOptions;
}
