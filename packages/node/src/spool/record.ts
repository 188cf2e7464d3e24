import { crc32 } from "node:zlib";
import type { EventType, StoredEvent } from "@inferlog/core";
import { EVENT_TYPES } from "@inferlog/core/lite";

/*
 * One record per line: `<crc32 of payload, 8 hex>\t<payload>\n`, payload `<type>\t<id>\t<event json>`.
 * JSON.stringify never emits a raw newline or tab, so a line can only end early when a write
 * was cut short; the checksum catches torn or flipped bytes inside a line.
 */

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export function encodeRecord(event: StoredEvent): string {
  const payload = `${event.type}\t${event.id}\t${event.json}`;
  return `${checksum(payload)}\t${payload}\n`;
}

/** The event in `line` (without its newline), or undefined when the line is damaged. */
export function decodeRecord(line: string): StoredEvent | undefined {
  const left = line.indexOf("\t");
  if (left !== 8) return undefined;
  const payload = line.slice(9);
  if (checksum(payload) !== line.slice(0, 8)) return undefined;
  const bytes = payload.indexOf("\t");
  const count = payload.indexOf("\t", bytes + 1);
  if (bytes < 0 || count < 0) return undefined;
  const type = payload.slice(0, bytes);
  if (!TYPES.has(type)) return undefined;
  return { type: type as EventType, id: payload.slice(bytes + 1, count), json: payload.slice(count + 1) };
}

function checksum(text: string): string {
  return crc32(text).toString(16).padStart(8, "0");
}
