import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { InferlogEvent } from "@inferlog/core";
import { decodeOtlpLogs, type OtlpLogsRequest } from "@inferlog/core/otlp";
import type { HandlerContext } from "./handler.js";
import { protobufLogRecords, readLogRecord } from "./otlp-proto-logs.js";
import { ProtoError, type ProtoReader } from "./otlp-proto-reader.js";
import { mediaTypeOf, type OtlpEncoding, replyExported, replyStatus, requestEncoding } from "./otlp-reply.js";
import { checkEvent, type EventNote, type IgnoredFields, noteIgnoredFields } from "./parse-batch.js";
import { BodyError, readBody } from "./read-body.js";

/** Reasons listed in a partial-success message before "and N more", each cut to this many characters. */
const LISTED_REASONS = 5;
const REASON_CHARS = 300;
/** Records decoded and validated between two turns of the event loop, so /healthz and other requests are not held up. */
const RECORDS_PER_SLICE = 250;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface OtlpRecords extends IgnoredFields {
  /** Log records in the request, inferlog's or not. */
  total: number;
  valid: InferlogEvent[];
  /** By the record's position across all resource and scope logs. */
  rejected: EventNote[];
  /** Of the rejected, records that are not inferlog events (no `cloudevents.event_id`). */
  foreign: number;
}

const isList = (value: unknown): value is unknown[] => value === undefined || Array.isArray(value);

/** The log records of an OTLP/JSON request, in order; a body of another shape is a 400. */
function jsonLogRecords(request: unknown): unknown[] {
  const shapeError = (where: string) =>
    new BodyError(400, `Expected an OTLP ExportLogsServiceRequest: \`${where}\` is not an array`);
  if (request === null || typeof request !== "object") {
    throw new BodyError(400, "Expected an OTLP ExportLogsServiceRequest (a JSON object)");
  }
  const resourceLogs = (request as { resourceLogs?: unknown }).resourceLogs;
  if (!isList(resourceLogs)) throw shapeError("resourceLogs");
  const records: unknown[] = [];
  for (const [index, rl] of (resourceLogs ?? []).entries()) {
    const scopeLogs = (rl as { scopeLogs?: unknown } | null)?.scopeLogs;
    if (!isList(scopeLogs)) throw shapeError(`resourceLogs[${index}].scopeLogs`);
    for (const [inner, sl] of (scopeLogs ?? []).entries()) {
      const logRecords = (sl as { logRecords?: unknown } | null)?.logRecords;
      if (!isList(logRecords)) throw shapeError(`resourceLogs[${index}].scopeLogs[${inner}].logRecords`);
      records.push(...(logRecords ?? []));
    }
  }
  return records;
}

/** A request's log records, decoded one by one (JSON: already parsed; protobuf: read from its bytes). */
type RecordList = { json: unknown[] } | { protobuf: ProtoReader[] };

/**
 * Each log record as an inferlog event, checked like a `/v1/events` batch, a slice at a time. A
 * record without `cloudevents.event_id` is not one of inferlog's and is rejected, so the sender
 * learns of it; so is a record that cannot be read.
 */
export async function readOtlpRecords(
  list: RecordList,
  options: { maxEvents: number; surrogatesPossible: boolean },
): Promise<OtlpRecords> {
  const records: unknown[] = "json" in list ? list.json : list.protobuf;
  if (records.length > options.maxEvents) {
    throw new BodyError(
      413,
      `The request has ${records.length} log records, over the limit of ${options.maxEvents}; send smaller batches`,
    );
  }
  const out: OtlpRecords = { total: records.length, valid: [], rejected: [], foreign: 0, warnings: [], ignored: 0 };
  for (const [index, item] of records.entries()) {
    if (index > 0 && index % RECORDS_PER_SLICE === 0) await yieldToLoop();
    let decoded: InferlogEvent[];
    try {
      const record = "json" in list ? item : readLogRecord(item as ProtoReader);
      // One record at a time, so a malformed record costs only itself.
      decoded = decodeOtlpLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] } as OtlpLogsRequest);
    } catch (error) {
      out.rejected.push({
        index,
        reason: `Not a readable log record: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    const [event] = decoded;
    if (!event) {
      out.foreign++;
      out.rejected.push({ index, reason: "Not an inferlog event: no `cloudevents.event_id` attribute" });
      continue;
    }
    const checked = checkEvent(event, { surrogates: options.surrogatesPossible });
    if (typeof checked === "string") out.rejected.push({ index, reason: checked });
    else {
      out.valid.push(checked.event);
      noteIgnoredFields(out, index, checked);
    }
  }
  return out;
}

/** The first reasons of `rows` by record, and how many more there were of `count`. */
function listed(rows: EventNote[], count: number): string {
  const shown = rows
    .slice(0, LISTED_REASONS)
    .map(
      (row) =>
        `record ${row.index}: ${row.reason.length > REASON_CHARS ? `${row.reason.slice(0, REASON_CHARS)}…` : row.reason}`,
    );
  const more = count > LISTED_REASONS ? `; and ${count - LISTED_REASONS} more` : "";
  return `${shown.join("; ")}${more}`;
}

/**
 * `partial_success.error_message`: the records rejected, then the records stored without fields the contract does
 * not know, as a warning (OTLP lets a server warn with `rejected` 0 and a message); empty when there is neither.
 */
export function exportMessage(records: OtlpRecords): string {
  const { rejected, ignored, total } = records;
  const parts: string[] = [];
  if (rejected.length > 0)
    parts.push(`${rejected.length} of ${total} log records rejected: ${listed(rejected, rejected.length)}`);
  if (ignored > 0)
    parts.push(
      `warning: ${ignored} of ${total} log records stored without fields the contract does not know: ${listed(records.warnings, ignored)}`,
    );
  return parts.join("; ");
}

/** The body's log records; a body that is not an OTLP logs request in `encoding` is a 400. */
function recordsOf(body: Buffer, encoding: OtlpEncoding): RecordList {
  if (encoding === "protobuf") {
    try {
      return { protobuf: protobufLogRecords(body) };
    } catch (error) {
      if (error instanceof ProtoError) {
        throw new BodyError(400, `The body is not an OTLP/protobuf logs request: ${error.message}`);
      }
      throw error;
    }
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BodyError(400, "The body is not valid UTF-8");
  }
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new BodyError(400, "The body is nested too deeply to parse as JSON");
    throw new BodyError(400, `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { json: jsonLogRecords(request) };
}

/**
 * `POST /v1/logs`: OTLP/HTTP logs (JSON or protobuf, any Content-Encoding `/v1/events` takes), so an
 * OpenTelemetry Collector can sit in front of this one. Same keys, limits and store as `/v1/events`;
 * answers as the OTLP/HTTP spec says: 200 with `partialSuccess` for refused records, 400 with a
 * `google.rpc.Status` for a body that cannot be decoded, 503 with Retry-After when the store is down.
 */
export async function ingestOtlpLogs(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const mediaType = mediaTypeOf(req);
  const encoding = requestEncoding(req);
  const decision = ctx.access.authorizeWrite(req, url);
  if (!decision.ok) {
    return replyStatus(res, decision.status, encoding ?? "json", decision.message, { connection: "close" });
  }
  const cors: Record<string, string> = decision.corsOrigin
    ? {
        "access-control-allow-origin": decision.corsOrigin,
        vary: "Origin",
        "access-control-expose-headers": "retry-after",
      }
    : {};
  if (!encoding) {
    const got = mediaType ? `\`${mediaType.slice(0, 100)}\`` : "none";
    const message = `Expected Content-Type application/x-protobuf or application/json (OTLP/HTTP), got ${got}`;
    return replyStatus(res, 415, "json", message, { ...cors, connection: "close" });
  }
  let records: OtlpRecords;
  try {
    const body = await readBody(req, ctx.limits);
    records = await readOtlpRecords(recordsOf(body, encoding), {
      maxEvents: ctx.limits.maxEvents,
      // Protobuf strings pass a strict UTF-8 decoder, which cannot yield a lone surrogate; JSON escapes can.
      surrogatesPossible: encoding === "json",
    });
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    return replyStatus(
      res,
      error.status,
      encoding,
      error.message,
      req.complete ? cors : { ...cors, connection: "close" },
    );
  }
  const receivedMs = ctx.now();
  try {
    await ctx.store.insertBatch(records.valid.map((event) => ({ event, receivedMs })));
  } catch (cause) {
    ctx.logger.error(
      `inferlog-collector: storing OTLP logs failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    return replyStatus(res, 503, encoding, "The store is unavailable; retry later", { ...cors, "retry-after": "1" });
  }
  ctx.metrics.rejectEvents("/v1/logs", "not_inferlog", records.foreign);
  ctx.metrics.rejectEvents("/v1/logs", "invalid", records.rejected.length - records.foreign);
  ctx.metrics.ignoreFields("/v1/logs", records.ignored);
  replyExported(res, encoding, { count: records.rejected.length, message: exportMessage(records) }, cors);
}
