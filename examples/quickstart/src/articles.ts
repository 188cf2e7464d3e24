import type { createClient } from "@inferlog/node";
import { DAY_MS, START_MS, V2_DEPLOY_MS } from "./world.js";

/**
 * A second model beside the router: it suggests help-centre articles to the agent, from a catalogue that
 * gains new articles every week. Each version knows the articles published before its data cutoff; the
 * third slot always shows the newest article (a recency rule), which agents take more often (it answers this
 * week's questions): the report's freshness section shows that a third of what is shown, and more of what is
 * taken, is newer than anything the model learned from, which is the case for retraining more often.
 */
export const ARTICLES_V1 = {
  name: "article-suggester",
  version: "2026.08",
  trainedAt: new Date(START_MS - 2 * DAY_MS).toISOString(),
  dataCutoff: new Date(START_MS - 3 * DAY_MS).toISOString(),
  deployedAt: new Date(START_MS).toISOString(),
};
export const ARTICLES_V2 = {
  name: "article-suggester",
  version: "2026.10",
  trainedAt: new Date(V2_DEPLOY_MS - DAY_MS).toISOString(),
  dataCutoff: new Date(V2_DEPLOY_MS - 2 * DAY_MS).toISOString(),
  deployedAt: new Date(V2_DEPLOY_MS).toISOString(),
};
/** Articles before the simulation, then this many published each day. */
const INITIAL_ARTICLES = 40;
const PER_DAY = 1;

/** Day (relative to START_MS, negative before it) on which article i was published. */
const publishedDay = (i: number): number => (i < INITIAL_ARTICLES ? -30 + i * 0.5 : i - INITIAL_ARTICLES);
const articleId = (i: number): string => `art-${String(i).padStart(3, "0")}`;

/** Logs one article suggestion for a ticket (prediction, exposure, maybe an accept): the events logged. */
export function suggestArticles(
  client: ReturnType<typeof createClient>,
  at: { t: number; day: number; agentKey: string },
  r: () => number,
): number {
  const model = at.t >= V2_DEPLOY_MS ? ARTICLES_V2 : ARTICLES_V1;
  const cutoffDay = (Date.parse(model.dataCutoff) - START_MS) / DAY_MS;
  const published = INITIAL_ARTICLES + Math.max(0, Math.floor(at.day * PER_DAY) + 1);
  const known = Array.from({ length: published }, (_, i) => i).filter((i) => publishedDay(i) <= cutoffDay);
  const pick = () => known[Math.floor(r() * known.length)] as number;
  const first = pick();
  let second = pick();
  if (second === first) second = known[(known.indexOf(first) + 1) % known.length] as number;
  // The third slot is the newest published article (a recency rule beside the model's two).
  const picks = [...new Set([first, second, published - 1])];
  // itemAgeSeconds: how long ago the article was published (the report dates items by it).
  const candidates = picks.map((i, rank) => ({
    id: articleId(i),
    score: 0.6 - rank * 0.1,
    rank: rank + 1,
    itemAgeSeconds: Math.max(0, Math.floor((at.t - (START_MS + publishedDay(i) * DAY_MS)) / 1000)),
  }));
  const time = new Date(at.t);
  const { predictionId } = client.logPrediction({
    model,
    task: "ranking",
    output: { label: candidates[0]?.id as string, score: 0.6, candidates, k: 3 },
    subjectKey: at.agentKey,
    time,
  });
  client.logExposure({
    predictionId,
    modelName: model.name,
    shown: candidates.map((c) => c.id),
    surface: "agent-articles",
    subjectKey: at.agentKey,
    time,
    predictionTime: time,
  });
  // Agents take the newest article often, the model's own picks less.
  const acceptChance = [0.18, 0.12, 0.35];
  const taken = candidates.findIndex((_, i) => r() < (acceptChance[i] as number));
  if (taken < 0) return 2;
  client.logFeedback({
    predictionId,
    modelName: model.name,
    action: "accepted",
    candidateId: candidates[taken]?.id as string,
    position: taken,
    time: new Date(at.t + 30_000),
    predictionTime: time,
  });
  return 3;
}
