import * as amplitude from "@amplitude/analytics-browser";
import { prediction } from "../prediction.js";

amplitude.init("demo-key");
amplitude.track("prediction", prediction(1));
