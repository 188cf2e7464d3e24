import { crc32 } from "node:zlib";
import { EVENT_TYPES, type EventType, type StoredEvent } from "@inferlog/core";

/*
 * One record per line: `<crc32 of payload, 8 hex>\t<payload>\n`, payload `<type>\t<id>\t<event json>`.
 * JSON.stringify never emits a raw newline or tab, so a line can only end early when a write
 * was cut short; the checksum catches torn or flipped bytes inside a line.
 */

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export function encodeRecord(e: StoredEvent): string {
  const payload = `${e.type}\t${e.id}\t${e.json}`;
  return `${checksum(payload)}\t${payload}\n`;
}

/** The event in `line` (without its newline), or undefined when the line is damaged. */
export function decodeRecord(line: string): StoredEvent | undefined {
  const a = line.indexOf("\t");
  if (a !== 8) return undefined;
  const payload = line.slice(9);
  if (checksum(payload) !== line.slice(0, 8)) return undefined;
  const b = payload.indexOf("\t");
  const c = payload.indexOf("\t", b + 1);
  if (b < 0 || c < 0) return undefined;
  const type = payload.slice(0, b);
  if (!TYPES.has(type)) return undefined;
  return { type: type as EventType, id: payload.slice(b + 1, c), json: payload.slice(c + 1) };
}

function checksum(s: string): string {
  return crc32(s).toString(16).padStart(8, "0");
}
