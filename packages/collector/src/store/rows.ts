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
  /**
   * ClickHouse only (SQLite keeps these on its candidate rows): the ranks and item ages of the candidates of
   * `top_ids`, in its order, for a shown prediction; empty for a challenger's.
   */
  cand_ranks: number[];
  cand_ages: (number | null)[];
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
const labelText = (value: string | number | undefined): string | null => (value === undefined ? null : String(value));

/** Candidates in rank order: the list itself when it already is (as SDKs send it), else a sorted copy. */
function byRank<T extends { rank: number }>(list: readonly T[]): readonly T[] {
  for (let index = 1; index < list.length; index++) {
    if ((list[index] as T).rank < (list[index - 1] as T).rank)
      return [...list].sort((left, right) => left.rank - right.rank);
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
    const value = features[name] as FeatureValue;
    // Long format: numbers (and booleans as 0/1) in num_value so drift can bin them in SQL; the rest as text.
    let num_value: number | null = null;
    let str_value: string | null = null;
    if (typeof value === "number") num_value = value;
    else if (typeof value === "boolean") {
      num_value = value ? 1 : 0;
      str_value = String(value);
    } else if (value !== null) str_value = typeof value === "string" ? value : JSON.stringify(value);
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

/**
 * Flattens one validated event. `raw` is the validated (unknown-key-free) event as JSON: given when the
 * caller already has it (the SQLite write worker receives the events as that text).
 */
export function toRows({ event, receivedMs }: IncomingEvent, raw: string = JSON.stringify(event)): Rows {
  const timeMs = ms(event.time);
  const day = event.data as Record<string, unknown>;
  const predictionId = (day.predictionId as string | undefined) ?? event.subject ?? null;
  const modelName = (day.modelName as string | undefined) ?? (day.model as { name?: string } | undefined)?.name ?? null;
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
      raw,
    },
    candidates: [],
    outcomeMetrics: [],
    features: [],
  };
  const samplerate = event.samplerate ?? 1;
  switch (event.type) {
    case "ml.prediction": {
      const part = event.data;
      const cands = byRank(part.output.candidates ?? []);
      // A challenger's candidates were never shown and its features are the request's, logged with the shown
      // prediction: rows of either would count twice in item ages, freshness and drift. Its raw event keeps them.
      const shown = part.shadow !== true;
      rows.prediction = {
        event_id: event.id,
        prediction_id: part.predictionId,
        model_name: part.model.name,
        model_version: part.model.version,
        environment: part.model.environment ?? null,
        trained_at_ms: msOrNull(part.model.trainedAt),
        time_ms: timeMs,
        task: part.task ?? null,
        label: labelText(part.output.label),
        score: part.output.score ?? null,
        top_ids: cands.map((cand) => cand.id),
        k: part.output.k ?? null,
        outcome_ttl_s: part.outcomeTtlSeconds ?? null,
        latency_ms: part.latencyMs ?? null,
        subject_key: part.subjectKey ?? null,
        samplerate,
        shadow: shown ? 0 : 1,
        cand_ranks: shown ? cands.map((cand) => cand.rank) : [],
        cand_ages: shown ? cands.map((cand) => cand.itemAgeSeconds ?? null) : [],
      };
      if (!shown) break;
      rows.candidates = cands.map((cand) => ({
        event_id: event.id,
        prediction_id: part.predictionId,
        model_name: part.model.name,
        rank: cand.rank,
        candidate_id: cand.id,
        score: cand.score ?? null,
        item_age_s: cand.itemAgeSeconds ?? null,
      }));
      rows.features = featureRows(
        {
          event_id: event.id,
          prediction_id: part.predictionId,
          model_name: part.model.name,
          model_version: part.model.version,
          time_ms: timeMs,
        },
        part.features,
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
        const shown = [...event.data.shown].sort((left, right) => left.position - right.position);
        rows.exposure = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          surface: event.data.surface,
          shown_ids: shown.map((entry) => entry.id),
        };
      } else if (event.type === "ml.feedback") {
        const field = event.data;
        rows.feedback = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          action: field.action,
          kind: field.kind,
          candidate_id: field.candidateId ?? null,
          position: field.position ?? null,
          value: field.value ?? null,
          dwell_ms: field.dwellMs ?? null,
        };
      } else {
        const entry = event.data;
        rows.outcome = {
          event_id: linked.event_id,
          prediction_id: linked.prediction_id,
          model_name: linked.model_name,
          time_ms: linked.time_ms,
          prediction_time_ms: linked.prediction_time_ms,
          subject_key: linked.subject_key,
          label: labelText(entry.label),
          relevant_ids: entry.relevantIds ?? [],
          source: entry.source,
          revision: entry.revision ?? 0,
        };
        rows.outcomeMetrics = Object.entries(entry.metrics ?? {}).map(([name, value]) => ({
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
      const field = event.data;
      rows.features = featureRows(
        {
          event_id: event.id,
          prediction_id: field.predictionId ?? null,
          model_name: field.model.name,
          model_version: field.model.version,
          time_ms: timeMs,
        },
        field.features,
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
