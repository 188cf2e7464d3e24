import type * as z from "zod/mini";
import { showValue } from "../show-value.js";

type Issue = z.core.$ZodIssue;

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown => {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
};

export const sizeOf = (value: unknown): string => {
  // Limits count code points (docs/event-model.md): an emoji is one character here, as in the check.
  if (typeof value === "string") return `${[...value].length} characters`;
  if (Array.isArray(value)) return `${value.length} items`;
  if (value !== null && typeof value === "object") return `${Object.keys(value).length} keys`;
  return showValue(value);
};

/** What came, in words, with a hint where the fix is usually one call (`toISOString()`, `String(v)`). */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return `${value} (send null for a missing number)`;
  if (value instanceof Date) return "a Date (send `date.toISOString()`)";
  if (typeof value === "object") return "an object (flatten it into separate fields)";
  if (typeof value === "function") return "a function (call it and send its result?)";
  const text = showValue(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
};

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? "(root)"
    : path
        .map((propertyKey) => (typeof propertyKey === "number" ? `[${propertyKey}]` : String(propertyKey)))
        .join(".")
        .replace(/\.\[/g, "[");

/**
 * The contract's time fields (RFC 3339 strings), by their path in the event: the schemas' `isoTime` fields, which
 * contract-copies.test.ts reads from the schemas and holds this list to.
 */
const TIME_FIELD =
  /^(?:time|data\.(?:model\.(?:trainedAt|dataCutoff|deployedAt)|predictionTime|windowStart|windowEnd))$/;
/** How to write a time the contract takes, for a message about a time field. */
export const TIME_HINT = ' (an RFC 3339 time with its zone, e.g. "2026-10-28T09:30:00Z": `new Date(ms).toISOString()`)';

/** The usual fix for a value of the wrong type: a time, a number where a string goes, a missing model. */
export const typeHint = (field: string, expected: string, value: unknown): string =>
  TIME_FIELD.test(field)
    ? TIME_HINT
    : expected === "string" && typeof value === "number"
      ? ` (send it as a string: "${value}")`
      : field === "data.model" && value === undefined
        ? " (pass `model: { name, version }` to createClient or to this call)"
        : field === "data.modelName" && value === undefined
          ? " (pass `modelName` to this call, or `model: { name, version }` to createClient)"
          : "";

/** One line per issue that names the field, what was expected, and what came. */
export function formatIssue(issue: Issue, input: unknown): string {
  return describeIssue(issue, formatPath(issue.path), valueAt(input, issue.path));
}

/** The words for a bound: an exclusive one says so ("greater than 0"), an inclusive one is a minimum or limit. */
const lowBound = (bound: unknown, inclusive: boolean | undefined) =>
  inclusive === false ? `must be greater than ${String(bound)}` : `minimum ${String(bound)}`;
const highBound = (bound: unknown, inclusive: boolean | undefined) =>
  inclusive === false ? `must be less than ${String(bound)}` : `limit ${String(bound)}`;

function describeIssue(issue: Issue, field: string, value: unknown): string {
  switch (issue.code) {
    case "too_big":
      return `\`${field}\` is too large: ${highBound(issue.maximum, issue.inclusive)}${issue.origin === "number" ? "" : ` ${issue.origin === "string" ? "characters" : "items"}`}, got ${sizeOf(value)}`;
    case "too_small":
      return `\`${field}\` is too small: ${lowBound(issue.minimum, issue.inclusive)}, got ${sizeOf(value)}`;
    case "invalid_type":
      return `Expected \`${field}\` to be ${issue.expected}, got ${describeValue(value)}${typeHint(field, issue.expected, value)}`;
    case "invalid_value":
      return `Expected \`${field}\` to be one of ${issue.values.map(showValue).join(", ")}, got ${describeValue(value)}`;
    case "invalid_union": {
      // The value has the type of one option and breaks one of its checks (a feature list over its
      // length): that check is the fault. Else no option's type fits.
      const near = issue.errors.filter((errors) => errors[0] !== undefined && errors[0].code !== "invalid_type");
      const inner = near.length === 1 ? (near[0]?.[0] as Issue) : undefined;
      if (inner) return describeIssue(inner, formatPath([...issue.path, ...inner.path]), valueAt(value, inner.path));
      return `\`${field}\` has an unsupported type: got ${describeValue(value)}`;
    }
    case "invalid_format":
      return `Expected \`${field}\` to be a valid ${issue.format}, got ${describeValue(value)}${issue.format === "datetime" ? TIME_HINT : ""}`;
    case "invalid_key": {
      // The key's own fault, worded as for any string (the key is the path's last step).
      const inner = issue.issues[0];
      const key = issue.path[issue.path.length - 1];
      return inner ? describeIssue(inner as Issue, field, key) : `\`${field}\` has an invalid key`;
    }
    default:
      return `\`${field}\` ${issue.message}${value !== undefined ? ` (got ${sizeOf(value)})` : ""}`;
  }
}

export function formatIssues(issues: readonly Issue[], input: unknown): string {
  return issues.map((issue) => formatIssue(issue, input)).join("; ");
}
