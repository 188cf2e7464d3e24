import * as Sentry from "@sentry/browser";
import { prediction } from "../prediction.js";

// Sentry's structured logs (on by default in v11) are its closest API to an event log.
Sentry.init({ dsn: "https://key@o0.ingest.sentry.io/0" });
const p = prediction(1);
Sentry.logger.info("prediction", { ...p.features, label: p.output.label, score: p.output.score });
