export type { AnyValue, KeyValue } from "./encoders/otlp-any-value.js";
export { GEN_AI_EVALUATION_EVENT, GEN_AI_FEEDBACK_EVALUATION_NAME } from "./encoders/otlp-attributes.js";
export { decodeOtlpLogs } from "./encoders/otlp-decode.js";
export {
  createOtlpJsonEncoder,
  OTLP_SCOPE_NAME,
  type OtlpEncoderOptions,
  type OtlpLogRecord,
  type OtlpLogsRequest,
  toOtlpLogsRequest,
} from "./encoders/otlp-json.js";
