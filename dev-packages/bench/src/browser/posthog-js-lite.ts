import PostHog from "posthog-js-lite";
import { prediction } from "../prediction.js";

const posthog = new PostHog("phc_demo", { host: "https://collect.example.com" });
posthog.capture("prediction", prediction(1));
