export { type IntentServerIntegration, intentServerIntegration } from "./inferlog-integration.js";
export {
  createIntentServer,
  type IntentAnswer,
  type IntentServer,
  type IntentServerMonitor,
} from "./intent-server.js";
export { type IntentModel, tokenize, trainIntentModel } from "./model.js";
