import type { InferlogEvent } from "../schema/events.js";

/** OpenTelemetry's event name for an evaluation of a GenAI response (semantic conventions, gen-ai events). */
export const GEN_AI_EVALUATION_EVENT = "gen_ai.evaluation.result";
/** `gen_ai.evaluation.name` given to end-user feedback on a generated response. */
export const GEN_AI_FEEDBACK_EVALUATION_NAME = "user_feedback";

type Flat = Record<string, string | number | boolean | undefined>;

/**
 * Flat, queryable attributes for one event. They are for backends that index attributes (and
 * for dashboards written against semantic conventions); the whole event travels in the body,
 * which is what `decodeOtlpLogs` reads back, so nothing here needs to be reversible.
 */
export function eventAttributes(entry: InferlogEvent, eventName: string, genAi: boolean): Flat {
  const flat: Flat = {
    "event.name": eventName,
    // The CloudEvents semantic conventions carry the envelope, so the event id stays the dedup key.
    "cloudevents.event_id": entry.id,
    "cloudevents.event_source": entry.source,
    "cloudevents.event_spec_version": entry.specversion,
    "cloudevents.event_type": entry.type,
    "cloudevents.event_subject": entry.subject,
    "inferlog.sample_rate": entry.samplerate,
  };
  switch (entry.type) {
    case "ml.prediction": {
      const d = entry.data;
      Object.assign(flat, {
        "inferlog.prediction_id": d.predictionId,
        "inferlog.model.name": d.model.name,
        "inferlog.model.version": d.model.version,
        "inferlog.model.environment": d.model.environment,
        "inferlog.task": d.task,
        "inferlog.output.label": d.output.label === undefined ? undefined : String(d.output.label),
        "inferlog.output.score": d.output.score,
        "inferlog.latency_ms": d.latencyMs,
        "inferlog.shadow": d.shadow,
      });
      for (const [key, value] of Object.entries(d.tags ?? {})) flat[`inferlog.tags.${key}`] = value;
      if (d.task === "generation" || genAi) {
        flat["gen_ai.response.id"] = d.predictionId;
        flat["gen_ai.response.model"] = d.model.name;
      }
      break;
    }
    case "ml.exposure":
      Object.assign(flat, {
        "inferlog.prediction_id": entry.data.predictionId,
        "inferlog.model.name": entry.data.modelName,
        "inferlog.surface": entry.data.surface,
        "inferlog.shown_count": entry.data.shown.length,
      });
      break;
    case "ml.feedback": {
      const d = entry.data;
      Object.assign(flat, {
        "inferlog.prediction_id": d.predictionId,
        "inferlog.model.name": d.modelName,
        "inferlog.feedback.action": d.action,
        "inferlog.feedback.kind": d.kind,
        "inferlog.feedback.value": d.value,
        "inferlog.feedback.candidate_id": d.candidateId,
      });
      if (genAi) {
        Object.assign(flat, {
          "gen_ai.evaluation.name": GEN_AI_FEEDBACK_EVALUATION_NAME,
          "gen_ai.evaluation.score.label": d.action,
          "gen_ai.evaluation.score.value": d.value,
          "gen_ai.response.id": d.predictionId,
        });
      }
      break;
    }
    case "ml.outcome":
      Object.assign(flat, {
        "inferlog.prediction_id": entry.data.predictionId,
        "inferlog.model.name": entry.data.modelName,
        "inferlog.outcome.label": entry.data.label === undefined ? undefined : String(entry.data.label),
        "inferlog.outcome.source": entry.data.source,
        "inferlog.outcome.revision": entry.data.revision,
      });
      break;
    case "ml.features":
    case "ml.feature_profile":
      Object.assign(flat, {
        "inferlog.prediction_id": entry.type === "ml.features" ? entry.data.predictionId : undefined,
        "inferlog.model.name": entry.data.model.name,
        "inferlog.model.version": entry.data.model.version,
      });
      break;
  }
  return flat;
}
