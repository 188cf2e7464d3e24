import type Database from "better-sqlite3";

/**
 * Schema 8: the three tables that took most of a write's b-tree work get cheaper layouts, with the same
 * columns and the same rows (readers see no difference but the absent `rowid` of two of them):
 * - `events`: a rowid table with `id` UNIQUE (was WITHOUT ROWID keyed by `id`, which kept each large `raw`
 *   inside the id b-tree); the `events_type_time` index, which no query read, is gone.
 * - `features`: WITHOUT ROWID keyed by (model_name, name, time_ms, event_id), the order drift reads it in
 *   (was a rowid table with the primary key (event_id, name) and the covering index `features_values`:
 *   three b-trees per feature row, now one).
 * - `candidates`: WITHOUT ROWID keyed by (event_id, rank, candidate_id) as before, plus `candidates_join`
 *   (was a rowid table: one b-tree fewer per candidate row).
 */
export const SCHEMA8_EVENTS = `CREATE TABLE IF NOT EXISTS events (
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  subject TEXT,
  prediction_id TEXT,
  model_name TEXT,
  samplerate REAL NOT NULL,
  raw TEXT NOT NULL
);`;

export const SCHEMA8_FEATURES = `CREATE TABLE IF NOT EXISTS features (
  event_id TEXT NOT NULL,
  prediction_id TEXT,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  name TEXT NOT NULL,
  num_value REAL,
  str_value TEXT,
  PRIMARY KEY (model_name, name, time_ms, event_id)
) WITHOUT ROWID;`;

export const SCHEMA8_CANDIDATES = `CREATE TABLE IF NOT EXISTS candidates (
  event_id TEXT NOT NULL,
  prediction_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  rank INTEGER NOT NULL,
  candidate_id TEXT NOT NULL,
  score REAL,
  item_age_s REAL,
  -- Copied from the prediction of the same event (schema 3).
  model_version TEXT,
  time_ms INTEGER,
  k INTEGER,
  PRIMARY KEY (event_id, rank, candidate_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS candidates_join ON candidates (model_name, prediction_id);`;

const withoutRowid = (db: Database.Database, table: string): boolean => {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as
    | { sql: string }
    | undefined;
  return row !== undefined && /\bWITHOUT\s+ROWID\s*$/i.test(row.sql);
};

/** Copies `table` into a table made by `ddl` (under the same name), column by column; its old indexes go with it. */
function rebuild(db: Database.Database, table: string, ddl: string): void {
  const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name).join(", ");
  db.exec(`ALTER TABLE ${table} RENAME TO ${table}_before_schema8`);
  // Index names are the schema's: the old table's must go before `ddl` creates the new ones.
  const indexes = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(`${table}_before_schema8`) as { name: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name.replaceAll('"', '""')}"`);
  db.exec(ddl);
  db.exec(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${table}_before_schema8`);
  db.exec(`DROP TABLE ${table}_before_schema8`);
}

/**
 * Brings a file of schema 7 (or one just brought to 7) to schema 8: rebuilds `events`, `features` and
 * `candidates` in the layouts above when they are not in them yet; idempotent. Run inside the opening
 * transaction, after every earlier step (they may add candidate columns first).
 */
export function migrateToSchema8(db: Database.Database): void {
  if (withoutRowid(db, "events")) rebuild(db, "events", SCHEMA8_EVENTS);
  db.exec("DROP INDEX IF EXISTS events_type_time");
  if (!withoutRowid(db, "features")) rebuild(db, "features", SCHEMA8_FEATURES);
  db.exec("DROP INDEX IF EXISTS features_values");
  if (!withoutRowid(db, "candidates")) rebuild(db, "candidates", SCHEMA8_CANDIDATES);
}
