import * as z from "zod/mini";
import { FORBIDDEN_KEYS, LIMITS } from "./limits.js";
import { DATETIME_PATTERN } from "./patterns.js";

const bounded = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const idString = bounded(LIMITS.maxIdLength);
export const nameString = bounded(LIMITS.maxNameLength);
/** An RFC 3339 date-time with an offset (the contract's one pattern; issues name the format "datetime"). */
export const isoTime = z.stringFormat("datetime", DATETIME_PATTERN);

/** A record key that is bounded and can never pollute a prototype. */
export const safeKey = (max: number) =>
  bounded(max).check(
    z.refine((key) => !FORBIDDEN_KEYS.has(key), { message: "is a reserved key (__proto__, constructor, prototype)" }),
  );

/** A record with a bounded number of keys. */
export const boundedRecord = <V extends z.core.SomeType>(key: z.ZodMiniType<string>, value: V, maxKeys: number) =>
  z
    .record(key, value)
    .check(z.refine((result) => Object.keys(result).length <= maxKeys, { message: `has more than ${maxKeys} keys` }));

export const modelSchema = z.object({
  name: nameString,
  version: nameString,
  environment: z.optional(bounded(LIMITS.maxEnvironmentLength)),
  trainedAt: z.optional(isoTime),
  dataCutoff: z.optional(isoTime),
  deployedAt: z.optional(isoTime),
});

export const featureValue = z.union([
  z.number(),
  z.string().check(z.maxLength(LIMITS.maxFeatureStringLength)),
  z.boolean(),
  z.null(),
  z
    .array(z.string().check(z.maxLength(LIMITS.maxFeatureStringLength)))
    .check(z.maxLength(LIMITS.maxFeatureArrayLength)),
]);

export const featuresSchema = boundedRecord(safeKey(LIMITS.maxFeatureNameLength), featureValue, LIMITS.maxFeatures);

export const tagsSchema = boundedRecord(
  safeKey(LIMITS.maxTagKeyLength),
  z.string().check(z.maxLength(LIMITS.maxTagValueLength)),
  LIMITS.maxTags,
);

export const labelSchema = z.union([z.string().check(z.maxLength(LIMITS.maxNameLength)), z.number()]);
export const labelsSchema = z
  .array(z.string().check(z.maxLength(LIMITS.maxNameLength)))
  .check(z.maxLength(LIMITS.maxLabels));

/** A keyed hash of a user or tenant id (see `@inferlog/core/subject-key`); never the raw id. */
export const subjectKeySchema = bounded(LIMITS.maxIdLength);
