import type { FeatureValue, InferlogEvent } from "@inferlog/core";
import { type FeatureProfileRow, profileRows } from "./profile-rows.js";
import type { IncomingEvent } from "./types.js";

/**
 * One event flattened into the rows of each table. Both stores write these same rows, so a
 * metric written in SQL for one can be ported to the other column for column.
 * Times are integer milliseconds since the epoch (ClickHouse 18.16 has no DateTime64).
 */
export interface EventRow {
  id: string;
  type: string;
  source: string;
  time_ms: number;
  received_ms: number;
  subject: string | null;
  prediction_id: string | null;
  model_name: string | null;
  samplerate: number;
  raw: string;
}
export interface PredictionRow {
  event_id: string;
  prediction_id: string;
  model_name: string;
  model_version: string;
  environment: string | null;
  trained_at_ms: number | null;
  time_ms: number;
  task: string | null;
  label: string | null;
  score: number | null;
  top_ids: string[];
  k: number | null;
  outcome_ttl_s: number | null;
  latency_ms: number | null;
  subject_key: string | null;
  samplerate: number;
  /** 1: a challenger's prediction (`shadow: true`), not shown; its candidates and features get no rows. */
  shadow: 0 | 1;
}
export interface CandidateRow {
  event_id: string;
  prediction_id: string;
  model_name: string;
  rank: number;
  candidate_id: string;
  score: number | null;
  item_age_s: number | null;
}
interface LinkedRow {
  event_id: string;
  prediction_id: string;
  model_name: string;
  time_ms: number;
  prediction_time_ms: number | null;
  subject_key: string | null;
}
export interface ExposureRow extends LinkedRow {
  surface: string;
  shown_ids: string[];
}
export interface FeedbackRow extends LinkedRow {
  action: string;
  kind: string;
  candidate_id: string | null;
  position: number | null;
  value: number | null;
  dwell_ms: number | null;
}
export interface OutcomeRow extends LinkedRow {
  label: string | null;
  relevant_ids: string[];
  source: string;
  revision: number;
}
/** One business metric of an outcome (`metrics.handleTimeSavedSec = 42`), long format like features. */
export interface OutcomeMetricRow {
  event_id: string;
  prediction_id: string;
  model_name: string;
  time_ms: number;
  name: string;
  value: number;
}
export interface FeatureRow {
  event_id: string;
  prediction_id: string | null;
  model_name: string;
  model_version: string;
  time_ms: number;
  name: string;
  num_value: number | null;
  str_value: string | null;
}

export interface Rows {
  event: EventRow;
  prediction?: PredictionRow;
  candidates: CandidateRow[];
  exposure?: ExposureRow;
  feedback?: FeedbackRow;
  outcome?: OutcomeRow;
  /** Business metrics of the outcome; joined to the latest outcome revision by `event_id`. */
  outcomeMetrics: OutcomeMetricRow[];
  features: FeatureRow[];
  /** Columns of an `ml.feature_profile` event (absent for other types). */
  featureProfiles?: FeatureProfileRow[];
}

const ms = (iso: string): number => Date.parse(iso);
const msOrNull = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));
const labelText = (v: string | number | undefined): string | null => (v === undefined ? null : String(v));

/** Candidates in rank order: the list itself when it already is (as SDKs send it), else a sorted copy. */
function byRank<T extends { rank: number }>(list: readonly T[]): readonly T[] {
  for (let i = 1; i < list.length; i++) {
    if ((list[i] as T).rank < (list[i - 1] as T).rank) return [...list].sort((a, b) => a.rank - b.rank);
  }
  return list;
}

function featureRows(
  base: Omit<FeatureRow, "name" | "num_value" | "str_value">,
  features: Record<string, FeatureValue> | undefined,
): FeatureRow[] {
  if (!features) return [];
  const rows: FeatureRow[] = [];
  // Object literals, not spreads of `base`: this runs ten times per prediction and spreads cost
  // several times more (same keys in the same order, so both stores see the same rows).
  for (const name in features) {
    const v = features[name] as FeatureValue;
    // Long format: numbers (and booleans as 0/1) in num_value so drift can bin them in SQL; the rest as text.
    let num_value: number | null = null;
    let str_value: string | null = null;
    if (typeof v === "number") num_value = v;
    else if (typeof v === "boolean") {
      num_value = v ? 1 : 0;
      str_value = String(v);
    } else if (v !== null) str_value = typeof v === "string" ? v : JSON.stringify(v);
    rows.push({
      event_id: base.event_id,
      prediction_id: base.prediction_id,
      model_name: base.model_name,
      model_version: base.model_version,
      time_ms: base.time_ms,
      name,
      num_value,
      str_value,
    });
  }
  return rows;
}

/** Flattens one validated event. `raw` is the validated (unknown-key-free) event as JSON. */
export function toRows({ event, receivedMs }: IncomingEvent): Rows {
  const timeMs = ms(event.time);
  const d = event.data as Record<string, unknown>;
  const predictionId = (d.predictionId as string | undefined) ?? event.subject ?? null;
  const modelName = (d.modelName as string | undefined) ?? (d.model as { name?: string } | undefined)?.name ?? null;
  const rows: Rows = {
    event: {
      id: event.id,
      type: event.type,
      source: event.source,
      time_ms: timeMs,
      received_ms: receivedMs,
      subject: event.subject ?? null,
      prediction_id: predictionId,
      model_name: modelName,
      samplerate: event.samplerate ?? 1,
      raw: JSON.stringify(event),
    },
    candidates: [],
    outcomeMetrics: [],
    features: [],
  };
  const samplerate = event.samplerate ?? 1;
  switch (event.type) {
    case "ml.prediction": {
      const p = event.data;
      const cands = byRank(p.output.candidates ?? []);
      // A challenger's candidates were never shown and its features are the request's, logged with the shown
      // prediction: rows of either would count twice in item ages, freshness and drift. Its raw event keeps them.
      const shown = p.shadow !== true;
      rows.prediction = {
        event_id: event.id,
        prediction_id: p.predictionId,
        model_name: p.model.name,
        model_version: p.model.version,
        environment: p.model.environment ?? null,
        trained_at_ms: msOrNull(p.model.trainedAt),
        time_ms: timeMs,
        task: p.task ?? null,
        label: labelText(p.output.label),
        score: p.output.score ?? null,
        top_ids: cands.map((c) => c.id),
        k: p.output.k ?? null,
        outcome_ttl_s: p.outcomeTtlSeconds ?? null,
        latency_ms: p.latencyMs ?? null,
        subject_key: p.subjectKey ?? null,
        samplerate,
        shadow: shown ? 0 : 1,
      };
      if (!shown) break;
      rows.candidates = cands.map((c) => ({
        event_id: event.id,
        prediction_id: p.predictionId,
        model_name: p.model.name,
        rank: c.rank,
        candidate_id: c.id,
        score: c.score ?? null,
        item_age_s: c.itemAgeSeconds ?? null,
      }));
      rows.features = featureRows(
        {
          event_id: event.id,
          prediction_id: p.predictionId,
          model_name: p.model.name,
          model_version: p.model.version,
          time_ms: timeMs,
        },
        p.features,
      );
      break;
    }
    case "ml.exposure":
    case "ml.feedback":
    case "ml.outcome": {
      const linked: LinkedRow = {
        event_id: event.id,
        prediction_id: event.data.predictionId,
        model_name: event.data.modelName,
        time_ms: timeMs,
        prediction_time_ms: msOrNull(event.data.predictionTime),
        subject_key: event.data.subjectKey ?? null,
      };
      // Object literals, not spreads of `linked`: same keys in the same order, for a fraction of the CPU.
      if (event.type === "ml.exposure") {
        const shown = [...event.data.shown].sort((a, b) => a.position - b.position);
        rows.exposure = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          surface: event.data.surface,
          shown_ids: shown.map((s) => s.id),
        };
      } else if (event.type === "ml.feedback") {
        const f = event.data;
        rows.feedback = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          action: f.action,
          kind: f.kind,
          candidate_id: f.candidateId ?? null,
          position: f.position ?? null,
          value: f.value ?? null,
          dwell_ms: f.dwellMs ?? null,
        };
      } else {
        const o = event.data;
        rows.outcome = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          label: labelText(o.label),
          relevant_ids: o.relevantIds ?? [],
          source: o.source,
          revision: o.revision ?? 0,
        };
        rows.outcomeMetrics = Object.entries(o.metrics ?? {}).map(([name, value]) => ({
          event_id: event.id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: timeMs,
          name,
          value,
        }));
      }
      break;
    }
    case "ml.features": {
      const f = event.data;
      rows.features = featureRows(
        {
          event_id: event.id,
          prediction_id: f.predictionId ?? null,
          model_name: f.model.name,
          model_version: f.model.version,
          time_ms: timeMs,
        },
        f.features,
      );
      break;
    }
    case "ml.feature_profile":
      // One row per column; bins are merged per window when drift is asked for, not joined per prediction.
      rows.featureProfiles = profileRows(event);
      break;
  }
  return rows;
}

export type { InferlogEvent };
