import { startSlices } from "../slices.js";
import type { ClickHouseClient } from "./clickhouse-http.js";
import { RowBinaryWriter, type ValueEncoder, valueEncoder } from "./clickhouse-row-binary.js";
import { eachTableRow, jsonLine } from "./clickhouse-table-lines.js";
import type { TableInsert } from "./clickhouse-table-rows.js";
import { toRows } from "./rows.js";
import type { IncomingEvent } from "./types.js";

type Table = TableInsert["table"];

/** One table's part of a group: RowBinary with its column list, or JSONEachRow lines. */
export type TableBody =
  | { table: Table; format: "RowBinary"; columns: string[]; rows: number; chunks: Buffer[] }
  | { table: Table; format: "JSONEachRow"; rows: number; lines: string[] };

/** Sends one table's body in its format. */
export const insertTableBody = (ch: ClickHouseClient, body: TableBody): Promise<void> =>
  body.format === "RowBinary"
    ? ch.insertRowBinary(body.table, body.columns, body.chunks)
    : ch.insertLines(body.table, body.lines);

/** How each table's rows are encoded, settled by the first row of each table. */
export interface TableFormats {
  /** Column name to ClickHouse type, per table, as the server has them. */
  types: Map<string, Map<string, string>>;
  /** Per table: the column list and encoders, or null when some column has a type RowBinary here does not write. */
  encoders: Map<Table, { columns: string[]; encode: ValueEncoder[] } | null>;
}

/** The types of every column of the collector's tables, read once from `system.columns`. */
export async function readTableFormats(ch: ClickHouseClient): Promise<TableFormats> {
  const rows = await ch.rows<{ table: string; name: string; type: string }>(
    `SELECT table, name, type FROM system.columns WHERE database = currentDatabase()`,
  );
  const types = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const columns = types.get(row.table) ?? new Map<string, string>();
    types.set(row.table, columns);
    columns.set(row.name, row.type);
  }
  return { types, encoders: new Map() };
}

/** The encoders for rows shaped like `row` (toRows gives every row of a table the same keys), plus `day`. */
function encodersFor(formats: TableFormats, table: Table, row: object) {
  let found = formats.encoders.get(table);
  if (found !== undefined) return found;
  const types = formats.types.get(table);
  const columns = [...Object.keys(row), "day"];
  const encode = columns.map((column) => {
    const type = types?.get(column);
    return type === undefined ? undefined : valueEncoder(type);
  });
  found = encode.every((valueEncoder) => valueEncoder !== undefined)
    ? { columns, encode: encode as ValueEncoder[] }
    : null;
  formats.encoders.set(table, found);
  return found;
}

/**
 * The bodies of one group's inserts, one per table with rows (`events` last), built event by event
 * in slices of a few ms: RowBinary for every table whose column types it writes, JSONEachRow for
 * any other. The rows are those of `clickhouseTableRows`.
 */
export async function clickhouseTableBodies(
  batch: readonly IncomingEvent[],
  fresh: readonly boolean[],
  formats: TableFormats,
): Promise<TableBody[]> {
  const writers = new Map<Table, { writer: RowBinaryWriter; rows: number }>();
  const lines = new Map<Table, string[]>();
  const line = jsonLine();
  const visit = (table: Table, row: object, dayMs: number) => {
    const encoders = encodersFor(formats, table, row);
    if (!encoders) {
      const list = lines.get(table) ?? [];
      if (list.length === 0) lines.set(table, list);
      list.push(line(row, dayMs));
      return;
    }
    let target = writers.get(table);
    if (!target) {
      target = { writer: new RowBinaryWriter(), rows: 0 };
      writers.set(table, target);
    }
    const { columns, encode } = encoders;
    const values = row as Record<string, unknown>;
    const last = columns.length - 1;
    for (let count = 0; count < last; count++)
      (encode[count] as ValueEncoder)(target.writer, values[columns[count] as string]);
    (encode[last] as ValueEncoder)(target.writer, dayMs);
    target.rows++;
  };
  const slices = startSlices();
  for (let index = 0; index < batch.length; index++) {
    if (fresh[index]) eachTableRow(toRows(batch[index] as IncomingEvent), visit);
    if (slices.due()) await slices.pause();
  }
  const bodies: TableBody[] = [];
  for (const [table, { writer, rows }] of writers) {
    const { columns } = formats.encoders.get(table) as { columns: string[] };
    bodies.push({ table, format: "RowBinary", columns, rows, chunks: writer.take() });
  }
  for (const [table, list] of lines) bodies.push({ table, format: "JSONEachRow", rows: list.length, lines: list });
  // An events row means "all of it is in": its insert goes last.
  return [...bodies.filter((body) => body.table !== "events"), ...bodies.filter((body) => body.table === "events")];
}
