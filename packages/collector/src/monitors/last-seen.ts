import type { Store } from "../store/types.js";

const SQL = {
  sqlite: `SELECT source, MAX(received_ms) AS last_ms FROM events WHERE received_ms >= @since_ms
    GROUP BY source ORDER BY source`,
  clickhouse: `SELECT source, max(received_ms) AS last_ms FROM events FINAL
    WHERE received_ms >= (SELECT since_ms FROM params) GROUP BY source ORDER BY source`,
} as const;

/** Each source that sent events since `sinceMs`, and when the collector last received one from it. */
export async function lastSeenSources(store: Store, sinceMs: number): Promise<{ source: string; lastMs: number }[]> {
  if (!store.readRows) throw new Error(`The ${store.kind} store cannot answer queries with parameters`);
  const rows = await store.readRows(SQL[store.kind], { since_ms: Math.trunc(sinceMs) });
  return rows.map((row) => ({ source: String(row.source), lastMs: Number(row.last_ms) }));
}
