import type { BuildContext, PendingEvent } from "./build-event.js";
import type { InferlogError, ValidationError } from "./errors.js";
import type { FeatureFixed } from "./feature-values.js";
import type { FeatureFilter } from "./redact.js";
import type { EventType, InferlogEvent } from "./schema/events.js";
import type { DropReason } from "./stats.js";
import type { Stray } from "./stray-fields.js";

/**
 * The types the steps from a log call to a queued event share: validators, prepare steps and the
 * pipeline a runtime adapter hands the client. Types only, so a validator (`validate.ts`,
 * `lite-validate.ts`) depends on no step and no step on a validator's code.
 */

export type ValidationResult =
  /** `stray`: the fields of the event the validator left out, as the caller wrote them (stray-fields.ts). */
  { ok: true; event: InferlogEvent; stray?: Stray } | { ok: false; error: ValidationError };

/** Checks one event against the wire contract; returns the parsed copy or a ValidationError naming the field. */
export type EventValidator = (type: EventType, event: unknown) => ValidationResult;

/** What a prepare step reads: the resolved options. */
export interface PrepareContext extends BuildContext {
  filter: FeatureFilter;
  beforeSend: ((event: InferlogEvent) => InferlogEvent | null) | undefined;
  maxEventBytes: number;
  validate: EventValidator;
  /** Set (outside strict mode): feature values that cannot be sent are fixed and told here, keeping the event. */
  fixFeature?: FeatureFixed | undefined;
  /** Refuse an event with a field the validator left out (stray-fields.ts), rather than keep it and say so. */
  strict: boolean;
  /** Set (outside strict mode): a field the validator left out is told here; the event is kept without it. */
  strayFound?: ((key: string, warning: string) => void) | undefined;
}

export type Prepared =
  | { ok: true; id: string; type: EventType; priority: number; json: string; bytes: number }
  | { ok: false; reason: DropReason; error?: InferlogError; id?: string };

/** One logged call to a queued event or a counted drop: build, redact, `beforeSend`, validate, serialize. Never throws. */
export type PrepareStep = (event: PendingEvent, ctx: PrepareContext) => Prepared;

/**
 * What a runtime adapter gives `createBaseClient`: its default validator and, optionally, a prepare
 * step written for that validator (core's and Node's pass the fused prediction path, `prepareFast`,
 * with a zod validator). Without one, or when the `validator` option replaces the adapter's, the
 * client runs the general step (`prepare`).
 */
export interface Pipeline {
  validator: EventValidator;
  prepare?: PrepareStep;
}
