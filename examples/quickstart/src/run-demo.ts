import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeReport, createCollector, openSqliteStore, type Report, renderReportHtml } from "@inferlog/collector";
import { createSubjectKeyer } from "@inferlog/core/subject-key";
import { createClient } from "@inferlog/node";
import { suggestArticles } from "./articles.js";
import { makeTicket, predict, rng } from "./model.js";
import { type WeeklyAlerts, weeklyMonitors } from "./monitors.js";
import {
  accuracy,
  agents,
  CHALLENGER,
  CHALLENGER_FROM_DAY,
  CHALLENGER_TO_DAY,
  challengerRight,
  DAY_MS,
  ignoreChance,
  START_MS,
  shiftShare,
  V1,
  V2,
  V2_DEPLOY_MS,
  WEEKS,
} from "./world.js";

export interface DemoOptions {
  /** Tickets per simulated day (default 220: about 12,300 tickets and 48,000 events). */
  ticketsPerDay?: number;
  /** Progress output (default: none). */
  write?: (s: string) => void;
  tty?: boolean;
}
export interface DemoResult {
  dir: string;
  /** The command that prints this report again from the store the demo left in `dir`. */
  reopen: string;
  htmlPath: string;
  logged: {
    predictions: number;
    /** The challenger's predictions (`shadow: true`) on the tickets of weeks 3 and 4. */
    shadowPredictions: number;
    exposures: number;
    feedback: number;
    outcomes: number;
    articleEvents: number;
  };
  stats: ReturnType<ReturnType<typeof createClient>["stats"]>;
  report: Report;
  /** The two monitors (monitors.ts) evaluated at the end of each simulated week. */
  alerts: WeeklyAlerts[];
}

/**
 * Eight weeks of a support-ticket router in production, logged through @inferlog/node into a
 * collector on SQLite: top-3 suggestions, labels one to three days late, a shift in ticket length
 * from week 4, agents ignoring suggestions more as weeks pass, a challenger scoring every ticket of weeks 3 and 4
 * beside the live version without being shown, and a retrained version in week 6.
 * Time is simulated by passing `time` on every log call.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const perDay = options.ticketsPerDay ?? 220;
  const write = options.write ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "inferlog-demo-"));
  const store = openSqliteStore({ path: join(dir, "inferlog.db"), synchronous: "NORMAL" });
  const collector = await createCollector({ store });
  const { url } = await collector.listen({ port: 0, host: "127.0.0.1" });
  write(`collector on ${url} (SQLite in ${dir})\n`);
  const client = createClient({ endpoint: `${url}/v1/events`, source: "support-desk", model: V1, flushOnExit: false });
  const subjectKey = createSubjectKeyer("demo-secret-not-for-production");
  const team = agents(40).map((a) => ({ ...a, key: subjectKey(a.key) }));
  const r = rng(42);
  // The article suggester draws from its own generator, so the router's story is the same with or without it.
  const articleRandom = rng(99);
  const challengerRandom = rng(2026);
  const logged = { predictions: 0, shadowPredictions: 0, exposures: 0, feedback: 0, outcomes: 0, articleEvents: 0 };
  const days = WEEKS * 7;
  const progress = progressFor(days * perDay, write, options.tty ?? false);
  let id = 0;
  const evaluateWeek = weeklyMonitors(store);
  const alerts: WeeklyAlerts[] = [];
  for (let day = 0; day < days; day++) {
    const active = team.filter((a) => a.startDay <= day);
    for (let i = 0; i < perDay; i++, id++) {
      const t = START_MS + day * DAY_MS + Math.floor(((i + r()) / perDay) * DAY_MS);
      const model = t >= V2_DEPLOY_MS ? V2 : V1;
      const ageDays = (t - Date.parse(model.trainedAt)) / DAY_MS;
      const ticket = makeTicket(id, r, shiftShare(day));
      const chance = accuracy(model.version, ageDays, ticket.shifted);
      // v1's scores are overconfident (the report refuses to estimate its accuracy from them); the retrained v2
      // is calibrated: its top score is its chance of being right, so accuracy can be estimated before labels.
      const top3 = predict(ticket, chance, r, model === V2 ? chance : 0.55 + chance * 0.4);
      const agent = active[Math.floor(r() * active.length)] as (typeof active)[number];
      const time = new Date(t);
      const { predictionId } = client.logPrediction({
        model,
        task: "ranking",
        features: ticket.features,
        output: {
          label: top3[0]?.id as string,
          score: top3[0]?.score as number,
          // The reply template suggested with each queue: its age is the content's freshness.
          candidates: top3.map((c) => ({ ...c, itemAgeSeconds: Math.floor(r() * 30 * 86_400) })),
          k: 3,
        },
        subjectKey: agent.key,
        latencyMs: 3 + r() * 10,
        outcomeTtlSeconds: 4 * 86_400,
        time,
      });
      if (day >= CHALLENGER_FROM_DAY && day < CHALLENGER_TO_DAY) {
        // The challenger scores the same ticket under the same predictionId; its answer is logged, never shown,
        // and the ticket's one outcome labels both versions.
        const challengerChance = accuracy(
          CHALLENGER.version,
          (t - Date.parse(CHALLENGER.trainedAt)) / DAY_MS,
          ticket.shifted,
        );
        const right = challengerRight(top3[0]?.id === ticket.trueQueue, chance, challengerChance, challengerRandom());
        const ranked = predict(ticket, right ? 1 : 0, challengerRandom, 0.55 + challengerChance * 0.4);
        client.logPrediction({
          predictionId,
          model: CHALLENGER,
          shadow: true,
          task: "ranking",
          output: { label: ranked[0]?.id as string, score: ranked[0]?.score as number, candidates: ranked, k: 3 },
          latencyMs: 3 + challengerRandom() * 10,
          outcomeTtlSeconds: 4 * 86_400,
          time,
        });
        logged.shadowPredictions++;
      }
      client.logExposure({
        predictionId,
        shown: top3.map((c) => c.id),
        surface: "agent-sidebar",
        subjectKey: agent.key,
        time,
        predictionTime: time,
      });
      const hit = top3.findIndex((c) => c.id === ticket.trueQueue);
      const exposureAge = day - agent.startDay;
      const acted = new Date(t + 20_000 + Math.floor(r() * 100_000));
      let saved = 0;
      if (r() < ignoreChance(exposureAge)) {
        client.logFeedback({ predictionId, action: "ignored", kind: "derived", time: acted, predictionTime: time });
      } else if (hit >= 0) {
        client.logFeedback({
          predictionId,
          action: "accepted",
          candidateId: ticket.trueQueue,
          position: hit,
          time: acted,
          predictionTime: time,
        });
        saved = 120 - 30 * hit + Math.round(r() * 40);
      } else {
        client.logFeedback({ predictionId, action: "rejected", time: acted, predictionTime: time });
        saved = -20;
      }
      logged.predictions++;
      logged.exposures++;
      logged.feedback++;
      // One ticket in four also gets help-centre articles suggested (articles.ts: a catalogue growing daily).
      if (articleRandom() < 0.25) {
        logged.articleEvents += suggestArticles(client, { t, day, agentKey: agent.key }, articleRandom);
      }
      // Most tickets get their true queue when they are resolved, one to three days later.
      if (r() < 0.92) {
        client.logOutcome({
          predictionId,
          label: ticket.trueQueue,
          relevantIds: [ticket.trueQueue],
          metrics: { handleTimeSavedSec: saved },
          source: "human",
          time: new Date(t + DAY_MS + Math.floor(r() * 2 * DAY_MS)),
          predictionTime: time,
        });
        logged.outcomes++;
      }
      progress(id + 1, `week ${Math.floor(day / 7) + 1} (${model.version})`);
    }
    // A day's events are delivered before the next day starts, so the send queue never overflows.
    await client.flush({ timeoutMs: 30_000 });
    if (day % 7 === 6) alerts.push(await evaluateWeek((day + 1) / 7));
  }
  await client.shutdown({ timeoutMs: 30_000 });
  const stats = client.stats();
  const now = START_MS + (days + 4) * DAY_MS;
  const report = await computeReport(store, { now, window: "week", k: 3 });
  const htmlPath = join(dir, "report.html");
  await writeFile(htmlPath, renderReportHtml(report));
  await collector.close();
  // The report is judged at the simulation's end: `--now` reproduces it from the store.
  const reopen = `pnpm exec inferlog-collector report --store sqlite:${join(dir, "inferlog.db")} --now ${new Date(now).toISOString()}`;
  return { dir, htmlPath, logged, stats, report, alerts, reopen };
}

function progressFor(total: number, write: (s: string) => void, tty: boolean) {
  let last = -1;
  return (done: number, label: string) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const filled = Math.round((done / total) * 30);
    const bar = `[${"#".repeat(filled)}${".".repeat(30 - filled)}] ${String(pct).padStart(3)}% ${label}`;
    if (tty) write(`\r${bar}${done === total ? "\n" : ""}`);
    else if (pct % 25 === 0) write(`${bar}\n`);
  };
}
