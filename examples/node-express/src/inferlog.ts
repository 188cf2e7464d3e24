import { createClient } from "@inferlog/node";

/** One client per process. Endpoint and source come from INFERLOG_ENDPOINT / INFERLOG_SOURCE when set. */
export const inferlog = createClient({
  endpoint: process.env.INFERLOG_ENDPOINT ?? "http://127.0.0.1:4318/v1/events",
  source: process.env.INFERLOG_SOURCE ?? "ticket-router-api",
  model: { name: "ticket-router", version: "v3", environment: "production", trainedAt: "2026-11-01T00:00:00Z" },
  // Optional: survive crashes and deploys. Events reach disk a microtask after each log call.
  ...(process.env.INFERLOG_SPOOL_DIR ? { spool: { dir: process.env.INFERLOG_SPOOL_DIR } } : {}),
  onError: (e) => console.error(`[inferlog] ${e.code}: ${e.message}`),
});
