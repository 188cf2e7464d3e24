import { showValue } from "./show-value.js";

const BRAND = Symbol.for("inferlog.error");

// Fields are assigned in constructors, not declared as class fields: at the bundles' es2020
// target a class field compiles to a defineProperty helper call per field.

/** Base class of every error inferlog creates. `isInferlogError` works across duplicate package copies. */
export class InferlogError extends Error {
  declare readonly [BRAND]: true;
  declare readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.assign(this, { [BRAND]: true, name: "InferlogError", code });
  }
}

/** A `createClient` option or a `log*` argument that is missing or out of range. */
export class ConfigError extends InferlogError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/**
 * Throws a ConfigError unless `ok`, in the one wording of a bad option (core's and the
 * adapters'): it names the option, what was expected and what came.
 */
export function checkOption(ok: unknown, name: string, expected: string, got: unknown): void {
  if (!ok) throw new ConfigError(`Expected \`${name}\` to be ${expected}, got \`${showValue(got)}\``);
}

/** An option that is a function or absent; returns it. */
export function fnOption<T>(name: string, value: T): T {
  checkOption(value === undefined || typeof value === "function", name, "a function", value);
  return value;
}

/**
 * An option that is absent or an object whose `methods` are functions (a logger's `warn`, a task
 * queue's `add`); returns it. A missing method is named by its path (`logger.warn`).
 */
export function objectOption<T>(name: string, value: T, methods: readonly string[] = []): T {
  if (value === undefined) return value;
  checkOption(typeof value === "object" && value !== null, name, "an object", value);
  for (const method of methods) {
    const member = (value as Record<string, unknown>)[method];
    checkOption(typeof member === "function", `${name}.${method}`, "a function", member);
  }
  return value;
}

/**
 * An integer option: `fallback` when it is not given (undefined: required), else checked against
 * [min, max] with the range in the one wording ("a positive integer", "an integer from 1 to 20").
 */
export function intOption(
  name: string,
  value: unknown,
  fallback: number | undefined,
  min: number,
  max = Infinity,
): number {
  const item = value === undefined ? fallback : value;
  checkOption(
    Number.isInteger(item) && (item as number) >= min && (item as number) <= max,
    name,
    max < Infinity
      ? `an integer from ${min} to ${max}`
      : min === 1
        ? "a positive integer"
        : min
          ? `an integer >= ${min}`
          : "a non-negative integer",
    value,
  );
  return item as number;
}

/** An event that fails the wire contract; `field` is its path (`data.features.age`). */
export class ValidationError extends InferlogError {
  declare readonly field: string;
  constructor(message: string, field: string) {
    super("invalid", message);
    Object.assign(this, { name: "ValidationError", field });
  }
}

/** A delivery that failed. `status` is the HTTP status when there was one. */
export class TransportError extends InferlogError {
  declare readonly status: number | undefined;
  declare readonly retryable: boolean;
  constructor(message: string, options: { status?: number | undefined; retryable: boolean; cause?: unknown }) {
    // Error takes only `cause` from the options.
    super("transport", message, options);
    Object.assign(this, { name: "TransportError", status: options.status, retryable: options.retryable });
  }
}

const hasBrand = (entry: unknown, name?: string): boolean =>
  typeof entry === "object" &&
  entry !== null &&
  (entry as Record<symbol, unknown>)[BRAND] === true &&
  (!name || (entry as Error).name === name);

export const isInferlogError = (entry: unknown): entry is InferlogError => hasBrand(entry);
export const isConfigError = (entry: unknown): entry is ConfigError => hasBrand(entry, "ConfigError");
export const isValidationError = (entry: unknown): entry is ValidationError => hasBrand(entry, "ValidationError");
export const isTransportError = (entry: unknown): entry is TransportError => hasBrand(entry, "TransportError");

/** "what threw: its message", for warnings about a throwing callback or transport; never throws itself. */
export const threw = (what: string, entry: unknown): string =>
  `${what} threw: ${entry instanceof Error ? entry.message : String(entry)}`;
