import { expect, it } from "vitest";
import { runDemo } from "./run-demo.js";

it("the quickstart delivers every logged event to the local collector", async () => {
  const r = await runDemo({ tickets: 300 });
  const total = r.logged.predictions + r.logged.exposures + r.logged.feedback + r.logged.outcomes;
  expect(r.stats.sent).toBe(total);
  expect(r.stats.dropped.total).toBe(0);
  expect(r.stored).toMatchObject({ predictions: 300, exposures: 300, feedback: 300, outcomes: r.logged.outcomes });
});
