import { uuidv7 } from "@inferlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../../test/test-child.js";
import { postBatch, type Running, rawRequest, startCollector } from "../../test/test-http.js";
import { STORE_KINDS } from "../../test/test-support.js";
import type { Report } from "../metrics/types.js";

/** Text that ends a hand-built literal or statement in SQLite or ClickHouse, if anything lets it. */
const NUL = "nul\u0000inside";
const QUOTES = `it's "quoted" ''`;
const BACKSLASH = "back\\slash\\' \\0 \\x41";
const LINES = "line\nbreak\r\ttab\u001b\u007f";
const INJECTION = "x'); DROP TABLE predictions; --";
const WIDE = "é 😀 \u2028 ☃";
const HOSTILE = [NUL, QUOTES, BACKSLASH, LINES, INJECTION, WIDE];

const T0 = Date.parse("2026-11-20T10:00:00Z");
const NOW = new Date(T0 + 30 * 86_400_000).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

const prediction = (model: string, text: string, i: number) => {
  const predictionId = uuidv7(Date.now());
  return {
    specversion: "1.0",
    id: uuidv7(Date.now()),
    type: "ml.prediction",
    source: "hostile-test",
    time: iso(T0 + i * 60_000),
    subject: predictionId,
    data: {
      predictionId,
      model: { name: model, version: text, trainedAt: "2026-11-01T00:00:00Z" },
      task: "multiclass",
      output: { label: text, score: 0.75 },
      features: { [text]: text, [`n ${text}`]: i },
      tags: { [text.slice(0, 32) || "t"]: text },
    },
  };
};
const outcome = (model: string, predictionId: string, label: string, i: number) => ({
  specversion: "1.0",
  id: uuidv7(Date.now()),
  type: "ml.outcome",
  source: "hostile-test",
  time: iso(T0 + i * 60_000 + 1000),
  subject: predictionId,
  data: { predictionId, modelName: model, predictionTime: iso(T0 + i * 60_000), label, source: "human" },
});

describe.each(STORE_KINDS)("hostile text through HTTP into the report (%s)", (kind) => {
  let c: Running;
  beforeAll(async () => {
    c = await startCollector(kind);
    const events: object[] = [];
    HOSTILE.forEach((text, i) => {
      // The model is named by the text itself; each model gets two predictions, one labeled right.
      for (const j of [0, 1]) {
        const p = prediction(text, text, 2 * i + j);
        events.push(p, outcome(text, p.data.predictionId, j === 0 ? text : "other", 2 * i + j));
      }
    });
    const r = await postBatch(c.endpoint, events);
    expect([r.status, r.json()]).toEqual([200, { accepted: events.length, rejected: [], duplicates: 0 }]);
  });
  afterAll(async () => c?.stop());

  it("refuses an event with a lone surrogate by its index and stores the rest of the batch", async () => {
    const lone = prediction("lone \ud800 surrogate", "v1", 0);
    const fine = prediction("fine-model", "v1", 0);
    const r = await postBatch(c.endpoint, [fine, lone]);
    expect([r.status, r.json()]).toEqual([
      200,
      {
        accepted: 1,
        rejected: [{ index: 1, reason: "A string in the event holds a lone UTF-16 surrogate (not valid Unicode)" }],
        duplicates: 0,
      },
    ]);
  });

  it("/v1/report shows every value exactly as sent", async () => {
    const r = await rawRequest(`${c.url}/v1/report?now=${encodeURIComponent(NOW)}&minLabels=1`, { method: "GET" });
    expect(r.status).toBe(200);
    const report = r.json() as Report;
    const quality = report.quality.filter((q) => q.model !== "fine-model");
    expect(quality.map((q) => [q.model, q.version, q.volume, q.labeled, q.accuracy]).sort()).toEqual(
      HOSTILE.map((t) => [t, t, 2, 2, 0.5]).sort(),
    );
    const driftFeatures = new Set(report.drift.map((d) => `${d.model}|${d.feature}`));
    for (const t of HOSTILE) {
      expect(driftFeatures.has(`${t}|${t}`), JSON.stringify(t)).toBe(true);
      expect(driftFeatures.has(`${t}|n ${t}`), JSON.stringify(t)).toBe(true);
    }
  });

  it("/v1/report?model= filters by each value, bound rather than spliced", async () => {
    for (const t of HOSTILE) {
      const url = `${c.url}/v1/report?now=${encodeURIComponent(NOW)}&model=${encodeURIComponent(t)}`;
      const r = await rawRequest(url, { method: "GET" });
      expect(r.status, JSON.stringify(t)).toBe(200);
      const report = r.json() as Report;
      expect(report.quality.map((q) => [q.model, q.volume])).toEqual([[t, 2]]);
      expect(new Set(report.drift.map((d) => d.model))).toEqual(new Set([t]));
    }
  });

  it("/report renders the values, HTML-escaped", async () => {
    const r = await rawRequest(`${c.url}/report?now=${encodeURIComponent(NOW)}`, { method: "GET" });
    expect(r.status).toBe(200);
    expect(r.body).toContain("x'); DROP TABLE predictions; --");
    expect(r.body).toContain("it's &quot;quoted&quot; ''");
    expect(r.body).toContain("back\\slash\\' \\0 \\x41");
  });

  it("inferlog-collector report prints them (--json, and --model with quotes and backslashes)", async () => {
    const child = await spawnCli(["report", "--store", c.fx.spec, "--now", NOW, "--json"], null);
    expect(await child.exited, child.output()).toBe(0);
    const report = JSON.parse(child.output()) as Report;
    expect(report.quality.map((q) => q.model).sort()).toEqual([...HOSTILE, "fine-model"].sort());
    for (const t of [QUOTES, BACKSLASH, INJECTION]) {
      const one = await spawnCli(["report", "--store", c.fx.spec, "--now", NOW, "--json", "--model", t], null);
      expect(await one.exited, one.output()).toBe(0);
      expect((JSON.parse(one.output()) as Report).quality.map((q) => q.model)).toEqual([t]);
    }
    // Four CLI processes, each a full report on the store: 11 s alone, over 30 s with the machine busy.
  }, 120_000);

  it("inferlog-collector report's text tables show control characters as escapes, one row per model", async () => {
    const child = await spawnCli(["report", "--store", c.fx.spec, "--now", NOW, "--sections", "orphans"], null);
    expect(await child.exited, child.output()).toBe(0);
    const text = child.output();
    // Nothing a terminal would act on, and no line break but the table's own.
    expect(text).not.toMatch(/[^\n\x20-\x7e\xa0-\u2027\u202a-\uffff]/);
    expect(text).toContain("line\\nbreak\\r\\ttab\\u001b\\u007f");
    expect(text).toContain("nul\\u0000inside");
    expect(text).toContain("é 😀 \\u2028 ☃");
    const rowsOf = (model: string) => text.split("\n").filter((line) => line.trimStart().startsWith(model)).length;
    // As many rows as a model whose name has no control character: none was split in two.
    expect(rowsOf("line\\nbreak")).toBe(rowsOf(INJECTION));
  }, 60_000);
});
