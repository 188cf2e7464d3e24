import type {
  FeatureProfileData,
  Features,
  FeedbackAction,
  FeedbackKind,
  ModelInfo,
  OutcomeSource,
  Task,
} from "./schema/events.js";

interface Common {
  /** When it happened (default: now). */
  time?: Date | number | string;
  /** W3C trace context of the request that made the prediction. */
  traceparent?: string;
}

interface Linked extends Common {
  predictionId: string;
  /** Defaults to the client's `model.name`. */
  modelName?: string;
  /** Defaults to the time inside a UUIDv7 `predictionId`. */
  predictionTime?: Date | number | string;
  subjectKey?: string;
}

export interface Candidate {
  id: string;
  label?: string | number;
  score?: number;
  /** 1-based; defaults to the candidate's position in the array. */
  rank?: number;
  itemAgeSeconds?: number;
}

export interface PredictionInput extends Common {
  /** Supply your own id, or let the client make a UUIDv7. */
  predictionId?: string;
  /** Defaults to the client's `model`. */
  model?: ModelInfo;
  task?: Task;
  output: {
    label?: string | number;
    labels?: string[];
    score?: number;
    probabilities?: Record<string, number>;
    candidates?: Candidate[];
    k?: number;
  };
  features?: Features;
  tags?: Record<string, string>;
  subjectKey?: string;
  latencyMs?: number;
  outcomeTtlSeconds?: number;
  /**
   * `true` for a challenger: another version that scored the same request in the background, its answer
   * not shown. Pass the shown prediction's `predictionId` and this version's `model`; outcomes logged for
   * that id then label both versions, and the report compares them on the same requests.
   */
  shadow?: boolean;
}

export interface ExposureInput extends Linked {
  /** Candidate ids in display order, or `{ id, position }` pairs (0-based positions). */
  shown: ReadonlyArray<string | { id: string; position: number }>;
  surface: string;
  ignoreAfterMs?: number;
}

export interface FeedbackInput extends Linked {
  action: FeedbackAction;
  /** Default `explicit`. */
  kind?: FeedbackKind;
  candidateId?: string;
  position?: number;
  value?: number;
  dwellMs?: number;
  exposureId?: string;
}

export interface OutcomeInput extends Linked {
  label?: string | number;
  labels?: string[];
  relevantIds?: string[];
  metrics?: Record<string, number>;
  /** Default `system`. */
  source?: OutcomeSource;
  revision?: number;
}

export interface FeaturesInput extends Common {
  features: Features;
  predictionId?: string;
  entityKey?: string;
  model?: ModelInfo;
}

export interface FeatureProfileInput extends Common {
  model?: ModelInfo;
  windowStart: Date | number | string;
  windowEnd: Date | number | string;
  columns: FeatureProfileData["columns"];
}
