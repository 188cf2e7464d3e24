import { AnalyticsBrowser } from "@segment/analytics-next";
import { prediction } from "../prediction.js";

const analytics = AnalyticsBrowser.load({ writeKey: "demo" });
analytics.track("prediction", prediction(1));
