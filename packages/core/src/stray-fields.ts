import { ValidationError } from "./errors.js";
import type { ValidationResult } from "./pipeline.js";
import type { InferlogEvent } from "./schema/events.js";
import { wellFormedText } from "./well-formed-json.js";

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => value !== null && typeof value === "object";

/** Deeper than any object of the contract: a walk stops here. */
const MAX_DEPTH = 8;
/** Fields named per event at most: a wrong object passed as input is told by its first ones. */
const MAX_NAMED = 8;

/** The keys from the event's root down to the object being walked; a path is written only for a key found. */
type Trail = (string | number)[];

const pathOf = (trail: Trail, key: string): string => {
  let path = "";
  for (const step of trail) path += typeof step === "number" ? `[${step}]` : `.${step}`;
  return `${path}.${key}`;
};

function walk(given: unknown, kept: unknown, found: string[] | undefined, trail: Trail): string[] | undefined {
  if (given === kept || !isObject(given) || !isObject(kept) || trail.length > MAX_DEPTH) return found;
  if (Array.isArray(given)) {
    if (Array.isArray(kept))
      for (let index = 0; index < given.length && index < kept.length; index++) {
        trail.push(index);
        found = walk(given[index], kept[index], found, trail);
        trail.pop();
      }
    return found;
  }
  for (const key in given) {
    if ((found?.length ?? 0) >= MAX_NAMED) break;
    const value = given[key];
    // An undefined value is absent on the wire, as validators read it.
    if (value === undefined) continue;
    const copy = kept[key];
    // A validated copy holds no functions: one found is Object.prototype's (`toString`), not a field it kept.
    if ((copy === undefined || typeof copy === "function") && !Object.hasOwn(kept, key)) {
      found ??= [];
      found.push(pathOf(trail, key));
    } else if (typeof value === "object") {
      trail.push(key);
      found = walk(value, copy, found, trail);
      trail.pop();
    }
  }
  return found;
}

/**
 * Where a validator left fields out: the paths (`.output.lable`, `.output.candidates[0].scroe`) of the keys with a
 * value in `given` that its validated copy `kept` does not have (a typo, or a field of another event type), at most
 * MAX_NAMED; undefined when there are none. Validators strip unknown keys, as the collector does; without this a
 * misspelt field went nowhere and nobody was told. Walks the objects and arrays both sides have; a validator that
 * returns the event itself (`uncheckedEvent`) leaves nothing out. A clean event allocates one empty trail.
 */
export function strayFields(given: unknown, kept: unknown): string[] | undefined {
  // A trail per call, not one shared: a getter in the input that logs again (read once more by this walk) would
  // otherwise cut the outer walk's trail.
  return walk(given, kept, undefined, []);
}

/** Fields a validator left out: strict mode's refusal, and otherwise what the client says, once per field. */
export interface Stray {
  /** "`output.lable` is not a field of ml.prediction events (check its spelling)": all of them, in one sentence. */
  text: string;
  error: ValidationError;
  /**
   * Per field, the diagnostics' once-key and warning. Once per field and event type, positions folded:
   * `candidates[0].scroe` and `candidates[1].scroe` are one.
   */
  said: [key: string, warning: string][];
}

/** A field as messages quote it: at most 128 UTF-16 units, a pair cut there written as U+FFFD, as validation words them. */
const ticked = (field: string) => `\`${wellFormedText(field.slice(0, 128))}\``;

/** The sentence for `fields` of a `type` event. */
const notFields = (type: string, fields: string[]) =>
  fields.length === 1
    ? `${ticked(fields[0] as string)} is not a field of ${type} events (check its spelling)`
    : `${fields.map(ticked).join(", ")} are not fields of ${type} events (check their spelling)`;

/**
 * A validator's answer for `type`'s event it accepted as `kept`, with `stray` when it left fields of `given` out,
 * named as the caller wrote them: the input's fields are the event's `data` (`output.lable`); a field `beforeSend`
 * put on the envelope keeps its place (`extra`). Built here, so a build without in-process validation (the
 * browser's production bundle) carries none of it.
 */
export function accepted(type: string, given: unknown, kept: InferlogEvent): ValidationResult {
  const paths = strayFields(given, kept);
  if (paths === undefined) return { ok: true, event: kept };
  const fields = paths.map((path) => path.replace(/^\.(data\.)?/, ""));
  const text = notFields(type, fields);
  const said = fields.map((field): [string, string] => [
    `stray:${type}:${field.replace(/\[\d+\]/g, "[]")}`,
    `${notFields(type, [field])}: it was left out and the event kept; strict mode refuses such events`,
  ]);
  return {
    ok: true,
    event: kept,
    stray: { text, error: new ValidationError(`Invalid ${type} event: ${text}`, fields[0] as string), said },
  };
}
