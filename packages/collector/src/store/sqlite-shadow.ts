import type Database from "better-sqlite3";

/**
 * Schema 6: `predictions.shadow` (1 for a challenger's prediction, `shadow: true` on the wire). A file written
 * before it held none, so every row it has is a shown prediction: the column's default, 0. Idempotent.
 */
export function addShadowColumn(db: Database.Database): void {
  const columns = db.pragma("table_info(predictions)") as { name: string }[];
  if (!columns.some((column) => column.name === "shadow")) {
    db.exec("ALTER TABLE predictions ADD COLUMN shadow INTEGER NOT NULL DEFAULT 0");
  }
}
