/**
 * Parsers for each SDK's ingest payload. Each returns the events it carries as
 * `{ id, seq }`: `id` is the SDK's own event id (what a collector would dedup on,
 * `undefined` when the protocol has none), `seq` the sequence number the bench put
 * in feature `f0`. Pure functions, so `pnpm --filter @inferlog/bench test` covers them.
 */
export interface WireEvent {
  id: string | undefined;
  seq: number | undefined;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
/** Where a peer put the sequence number: flat properties, or nested under `features`. */
const seqOf = (props: unknown): number | undefined => num(obj(props).f0) ?? num(obj(obj(props).features).f0);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** inferlog: a CloudEvents JSON batch (array) at /v1/events. */
export function parseInferlog(body: unknown): WireEvent[] {
  return arr(body).map((e) => ({ id: str(obj(e).id), seq: num(obj(obj(obj(e).data).features).f0) }));
}

/** posthog-node: `{ api_key, batch: [{ uuid, event, properties }] }` at /batch/ (or /i/v0/e/). */
export function parsePosthog(body: unknown): WireEvent[] {
  const b = obj(body);
  const items = Array.isArray(b.batch) ? b.batch : Array.isArray(body) ? body : [body];
  return items.map((e) => ({ id: str(obj(e).uuid), seq: seqOf(obj(e).properties) }));
}

/** @segment/analytics-node: `{ batch: [{ messageId, properties }] }` at /v1/batch. */
export function parseSegment(body: unknown): WireEvent[] {
  return arr(obj(body).batch).map((e) => ({ id: str(obj(e).messageId), seq: seqOf(obj(e).properties) }));
}

/** OTLP/HTTP JSON logs at /v1/logs: records carry no id, so duplicates cannot be removed downstream. */
export function parseOtlpLogs(body: unknown): WireEvent[] {
  const out: WireEvent[] = [];
  for (const rl of arr(obj(body).resourceLogs))
    for (const sl of arr(obj(rl).scopeLogs))
      for (const rec of arr(obj(sl).logRecords)) {
        const f0 = arr(obj(rec).attributes).find((a) => obj(a).key === "f0");
        const v = obj(obj(f0).value);
        out.push({ id: undefined, seq: num(v.intValue ?? v.doubleValue) });
      }
  return out;
}

/** langfuse v3: `{ batch: [{ id, type, body: { id, input } }] }` at /api/public/ingestion; dedup on the body id. */
export function parseLangfuse(body: unknown): WireEvent[] {
  return arr(obj(body).batch).map((e) => {
    const b = obj(obj(e).body);
    return { id: str(b.id) ?? str(obj(e).id), seq: seqOf(b.input) };
  });
}

/** The route each SDK posts to, and the parser for it; `undefined` for paths no subject uses. */
export function parserFor(path: string): ((body: unknown) => WireEvent[]) | undefined {
  const p = path.split("?")[0] ?? "";
  if (p.endsWith("/v1/events")) return parseInferlog;
  if (p === "/batch/" || p === "/batch" || p.startsWith("/i/v0/e")) return parsePosthog;
  if (p.endsWith("/v1/batch")) return parseSegment;
  if (p.endsWith("/v1/logs")) return parseOtlpLogs;
  if (p.endsWith("/api/public/ingestion")) return parseLangfuse;
  return undefined;
}
