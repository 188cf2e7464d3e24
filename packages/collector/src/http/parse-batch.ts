import { EVENT_TYPES, type EventType, type InferlogEvent } from "@inferlog/core";
import { compiledValidateEvent } from "@inferlog/core/compiled";
import { startSlices } from "../slices.js";
import { jsonErrorOffset } from "./json-error-offset.js";
import { ONE_PIECE_CHARS, parseJsonArrayInPieces } from "./parse-json-array.js";
import { BodyError } from "./read-body.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** What the raw text says about a batch, so per-event checks that cannot hit are skipped. */
export interface TextFlags {
  /** A `\uD800`-`\uDFFF` escape appears: look for lone surrogates (valid UTF-8 bytes cannot hold one). */
  surrogates: boolean;
}

/** An event of a request named by its index, with why: a rejection or a warning. */
export interface EventNote {
  index: number;
  reason: string;
}

/** Events stored without fields the contract does not know: the first of them by index, and how many in all. */
export interface IgnoredFields {
  /**
   * Valid events stored without fields the contract does not know (a misspelt `output.lable`, a field of another
   * event type): which, by index, for the client to say. At most MAX_WARNINGS; `ignored` counts them all.
   */
  warnings: EventNote[];
  ignored: number;
}

export interface ParsedBatch extends IgnoredFields {
  valid: { index: number; event: InferlogEvent }[];
  rejected: EventNote[];
}

/** Warnings listed in one answer at most (a batch of events all with the same typo needs only a few). */
const MAX_WARNINGS = 20;

/** A valid event, and what its validator left out of it (stray-fields.ts in core), in words. */
export interface CheckedEvent {
  event: InferlogEvent;
  ignoredFields?: string;
}

/**
 * Counts a valid event stored without fields it carried, and lists its warning among the first MAX_WARNINGS (the
 * `/v1/events` answer's `warnings`, or the OTLP answer's message).
 */
export function noteIgnoredFields(into: IgnoredFields, index: number, checked: CheckedEvent): void {
  if (checked.ignoredFields === undefined) return;
  into.ignored++;
  if (into.warnings.length < MAX_WARNINGS)
    into.warnings.push({ index, reason: `${checked.ignoredFields}: left out, the event stored` });
}

/**
 * Compiles every event type's parser now (zod compiles each on first use, which takes a few hundred
 * ms): the first large batch after start would otherwise hold the event loop for that long.
 */
export function warmValidators(): void {
  for (const type of EVENT_TYPES) compiledValidateEvent(type, {});
}

/** "at line 3, column 14" for the first syntax error, so the sender can find the fault. */
function where(text: string): string {
  const pos = jsonErrorOffset(text);
  if (pos < 0) return "";
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return ` at line ${line}, column ${column} (byte offset ${Buffer.byteLength(before)})`;
}

/** Strings with lone UTF-16 surrogates (`"\ud800"` escapes) are not Unicode text and cannot be stored faithfully. */
function findBadString(value: unknown, depth = 0): boolean {
  // String.prototype.isWellFormed is Node 20+, newer than our ES2022 lib typings.
  if (typeof value === "string") return !(value as unknown as { isWellFormed(): boolean }).isWellFormed();
  if (value === null || typeof value !== "object" || depth > 16) return false;
  for (const item of Array.isArray(value) ? value : Object.entries(value).flat())
    if (findBadString(item, depth + 1)) return true;
  return false;
}

/**
 * Decodes, parses and validates a batch. Whole-body faults throw a 400 `BodyError`; per-event
 * faults become rejections by index, so valid events in the same batch are still stored.
 * Validation runs in slices of a few milliseconds: a 10,000-event batch does not hold the event
 * loop for the other requests (`/healthz` included).
 */
export async function parseBatch(body: Buffer, options: { single: boolean; maxEvents: number }): Promise<ParsedBatch> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BodyError(400, "The body is not valid UTF-8");
  }
  const slices = startSlices();
  // A large batch is parsed a piece at a time (the same values); anything else, or a body the
  // pieces cannot take, in one call, which also words every syntax error.
  let parsed: unknown =
    text.length > ONE_PIECE_CHARS
      ? await parseJsonArrayInPieces(text, { maxElements: options.maxEvents, slices })
      : undefined;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      // V8 throws RangeError only for pathological nesting; say so rather than echo an engine message.
      if (error instanceof RangeError) throw new BodyError(400, "The body is nested too deeply to parse as JSON");
      throw new BodyError(400, `The body is not valid JSON${where(text)}: ${msg}`);
    }
  }
  const list = options.single && !Array.isArray(parsed) ? [parsed] : parsed;
  if (!Array.isArray(list)) {
    throw new BodyError(
      400,
      `Expected the body to be a JSON array of CloudEvents, got ${parsed === null ? "null" : typeof parsed}`,
    );
  }
  if (list.length > options.maxEvents) {
    throw new BodyError(
      413,
      `The batch has ${list.length} events, over the limit of ${options.maxEvents}; send smaller batches`,
    );
  }
  const out: ParsedBatch = { valid: [], rejected: [], warnings: [], ignored: 0 };
  const flags: TextFlags = {
    surrogates: /\\u[dD][89a-fA-F]/.test(text),
  };
  for (let index = 0; index < list.length; index++) {
    const checked = checkEvent(list[index], flags);
    if (typeof checked === "string") out.rejected.push({ index, reason: checked });
    else {
      out.valid.push({ index, event: checked.event });
      noteIgnoredFields(out, index, checked);
    }
    if (slices.due()) await slices.pause();
  }
  return out;
}

/** The event when valid (with the fields the contract does not know, which it left out), else why it was refused. */
export function checkEvent(item: unknown, flags: TextFlags): CheckedEvent | string {
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    return `Expected an event object, got ${item === null ? "null" : Array.isArray(item) ? "an array" : typeof item}`;
  }
  const type = (item as { type?: unknown }).type;
  if (typeof type !== "string" || !TYPES.has(type)) {
    const got =
      typeof type === "string" ? JSON.stringify(type.slice(0, 60)) : type === undefined ? "nothing" : typeof type;
    return `Expected \`type\` to be one of ${EVENT_TYPES.join(", ")}, got ${got}`;
  }
  // The clients' own contract check (reserved keys included), through zod's compiled parsers.
  const result = compiledValidateEvent(type as EventType, item);
  if (!result.ok) return result.error.message;
  const event = result.event;
  if (flags.surrogates && findBadString(event))
    return "A string in the event holds a lone UTF-16 surrogate (not valid Unicode)";
  return result.stray === undefined ? { event } : { event, ignoredFields: result.stray.text };
}
