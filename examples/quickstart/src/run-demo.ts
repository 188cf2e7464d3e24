import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollector, openSqliteStore } from "@inferlog/collector";
import { createClient } from "@inferlog/node";
import { makeTicket, predict, rng } from "./model.js";

export interface DemoResult {
  endpoint: string;
  logged: { predictions: number; exposures: number; feedback: number; outcomes: number };
  stored: Record<string, number>;
  stats: ReturnType<ReturnType<typeof createClient>["stats"]>;
  labelCoverage: unknown;
}

/**
 * The quickstart: a local collector on SQLite, a serving loop that routes tickets and
 * logs what it predicted, what agents were shown and did, and (later) the true queue.
 */
export async function runDemo(options: { tickets?: number; log?: (line: string) => void } = {}): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "inferlog-demo-"));
  const store = await openSqliteStore({ path: join(dir, "inferlog.db") });
  const collector = await createCollector({ store });
  const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
  const endpoint = `${url}/v1/events`;
  log(`collector listening on ${url} (SQLite in ${dir})`);

  const day = 86_400_000;
  const trainedAt = new Date(Date.now() - 30 * day).toISOString();
  const client = createClient({
    endpoint,
    source: "ticket-router",
    model: { name: "ticket-router", version: "2026.10", trainedAt },
    flushOnExit: false,
  });

  const r = rng(42);
  const n = options.tickets ?? 2_000;
  const logged = { predictions: 0, exposures: 0, feedback: 0, outcomes: 0 };
  const pendingOutcomes: { predictionId: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const ticket = makeTicket(i, r);
    const top3 = predict(ticket, 0.8, r);
    const { predictionId } = client.logPrediction({
      task: "ranking",
      features: ticket.features,
      output: { label: top3[0]!.id, score: top3[0]!.score, candidates: top3, k: 3 },
      latencyMs: 3 + r() * 10,
      outcomeTtlSeconds: 3 * 86_400,
    });
    logged.predictions++;
    client.logExposure({ predictionId, shown: top3.map((c) => c.id), surface: "agent-sidebar" });
    logged.exposures++;
    const hit = top3.findIndex((c) => c.id === ticket.trueQueue);
    if (hit >= 0 && r() < 0.85) {
      client.logFeedback({ predictionId, action: "accepted", candidateId: ticket.trueQueue, position: hit });
    } else {
      client.logFeedback({ predictionId, action: "ignored", kind: "implicit" });
    }
    logged.feedback++;
    if (r() < 0.9) pendingOutcomes.push({ predictionId, label: ticket.trueQueue });
    if (i % 200 === 199) await new Promise((res) => setImmediate(res)); // a server yields between requests
  }
  // Later, a resolution job learns the true queue of most tickets.
  for (const o of pendingOutcomes) {
    client.logOutcome({ predictionId: o.predictionId, label: o.label, relevantIds: [o.label], source: "human" });
    logged.outcomes++;
  }

  const done = await client.shutdown({ timeoutMs: 30_000 });
  log(`client shutdown: ${JSON.stringify({ ok: done.ok, sent: done.sent, dropped: done.dropped })}`);
  const stored = await store.tableCounts();
  const labelCoverage = await store.labelCoverage({ modelName: "ticket-router" });
  const stats = client.stats();
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
  return { endpoint, logged, stored, stats, labelCoverage };
}
