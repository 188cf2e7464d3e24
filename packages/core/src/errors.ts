const BRAND = Symbol.for("inferlog.error");

/** Base class of every error inferlog creates. `isInferlogError` works across duplicate package copies. */
export class InferlogError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InferlogError";
    this.code = code;
  }
}

/** A `createClient` option or a `log*` argument that is missing or out of range. */
export class ConfigError extends InferlogError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/** An event that fails the wire contract; `field` is its path (`data.features.age`). */
export class ValidationError extends InferlogError {
  readonly field: string;
  constructor(message: string, field: string) {
    super("invalid", message);
    this.name = "ValidationError";
    this.field = field;
  }
}

/** A delivery that failed. `status` is the HTTP status when there was one. */
export class TransportError extends InferlogError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, opts: { status?: number | undefined; retryable: boolean; cause?: unknown }) {
    super("transport", message, { cause: opts.cause });
    this.name = "TransportError";
    this.status = opts.status;
    this.retryable = opts.retryable;
  }
}

const hasBrand = (e: unknown, name?: string): boolean =>
  typeof e === "object" &&
  e !== null &&
  (e as Record<symbol, unknown>)[BRAND] === true &&
  (!name || (e as Error).name === name);

export const isInferlogError = (e: unknown): e is InferlogError => hasBrand(e);
export const isConfigError = (e: unknown): e is ConfigError => hasBrand(e, "ConfigError");
export const isValidationError = (e: unknown): e is ValidationError => hasBrand(e, "ValidationError");
export const isTransportError = (e: unknown): e is TransportError => hasBrand(e, "TransportError");
