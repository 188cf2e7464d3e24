import { createClient } from "@inferlog/browser";
import { prediction } from "../prediction.js";

const client = createClient({ endpoint: "https://collect.example.com/v1/events", writeKey: "pk_demo" });
client.logPrediction({ model: { name: "router", version: "v1" }, ...prediction(1) });
