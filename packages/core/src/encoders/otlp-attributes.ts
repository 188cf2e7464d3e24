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
export function eventAttributes(e: InferlogEvent, eventName: string, genAi: boolean): Flat {
  const a: Flat = {
    "event.name": eventName,
    // The CloudEvents semantic conventions carry the envelope, so the event id stays the dedup key.
    "cloudevents.event_id": e.id,
    "cloudevents.event_source": e.source,
    "cloudevents.event_spec_version": e.specversion,
    "cloudevents.event_type": e.type,
    "cloudevents.event_subject": e.subject,
    "inferlog.sample_rate": e.samplerate,
  };
  switch (e.type) {
    case "ml.prediction": {
      const d = e.data;
      Object.assign(a, {
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
      for (const [k, v] of Object.entries(d.tags ?? {})) a[`inferlog.tags.${k}`] = v;
      if (d.task === "generation" || genAi) {
        a["gen_ai.response.id"] = d.predictionId;
        a["gen_ai.response.model"] = d.model.name;
      }
      break;
    }
    case "ml.exposure":
      Object.assign(a, {
        "inferlog.prediction_id": e.data.predictionId,
        "inferlog.model.name": e.data.modelName,
        "inferlog.surface": e.data.surface,
        "inferlog.shown_count": e.data.shown.length,
      });
      break;
    case "ml.feedback": {
      const d = e.data;
      Object.assign(a, {
        "inferlog.prediction_id": d.predictionId,
        "inferlog.model.name": d.modelName,
        "inferlog.feedback.action": d.action,
        "inferlog.feedback.kind": d.kind,
        "inferlog.feedback.value": d.value,
        "inferlog.feedback.candidate_id": d.candidateId,
      });
      if (genAi) {
        Object.assign(a, {
          "gen_ai.evaluation.name": GEN_AI_FEEDBACK_EVALUATION_NAME,
          "gen_ai.evaluation.score.label": d.action,
          "gen_ai.evaluation.score.value": d.value,
          "gen_ai.response.id": d.predictionId,
        });
      }
      break;
    }
    case "ml.outcome":
      Object.assign(a, {
        "inferlog.prediction_id": e.data.predictionId,
        "inferlog.model.name": e.data.modelName,
        "inferlog.outcome.label": e.data.label === undefined ? undefined : String(e.data.label),
        "inferlog.outcome.source": e.data.source,
        "inferlog.outcome.revision": e.data.revision,
      });
      break;
    case "ml.features":
    case "ml.feature_profile":
      Object.assign(a, {
        "inferlog.prediction_id": e.type === "ml.features" ? e.data.predictionId : undefined,
        "inferlog.model.name": e.data.model.name,
        "inferlog.model.version": e.data.model.version,
      });
      break;
  }
  return a;
}
