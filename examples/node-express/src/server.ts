/**
 * A model-serving app: POST /route { ticketId, text } returns a queue for the ticket and
 * logs the prediction. The response carries the predictionId so the outcome job can link
 * the real queue to it later.
 */
import type { Server } from "node:http";
import express, { type Express } from "express";
import { inferlog } from "./inferlog.js";
import { route } from "./model.js";

export function createApp(): Express {
  const app = express();
  app.use(express.json());
  app.post("/route", (req, res) => {
    const { ticketId, text } = req.body as { ticketId?: string; text?: string };
    if (typeof ticketId !== "string" || typeof text !== "string") {
      res.status(400).json({ error: "Expected { ticketId: string, text: string }" });
      return;
    }
    const started = performance.now();
    const candidates = route(text);
    const top = candidates[0] as { id: string; score: number }; // route() always ranks every queue
    // The ticket id doubles as the prediction id, so the outcome job needs no lookup table.
    const { predictionId } = inferlog.logPrediction({
      predictionId: `ticket-${ticketId}`,
      task: "multiclass",
      output: { label: top.id, score: top.score, candidates },
      features: { textLength: text.length, hasInvoiceWord: /invoice/i.test(text) },
      latencyMs: performance.now() - started,
    });
    res.json({ predictionId, queue: top.id });
  });
  return app;
}

export function listen(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createApp().listen(port, "127.0.0.1", () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // SIGTERM from an orchestrator: stop taking requests, flush within 5 s, then exit as usual.
  inferlog.registerShutdownHooks({ timeoutMs: 5_000 });
  const server = await listen(Number(process.env.PORT ?? 3000));
  process.once("SIGTERM", () => server.close());
  console.log(`listening on ${JSON.stringify(server.address())}`);
}
