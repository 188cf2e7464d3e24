import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedMetricsFixture, W1 } from "../../test/metrics-fixture.js";
import { spawnCli } from "../../test/test-child.js";
import { type StoreFixture, storeFixture } from "../../test/test-support.js";
import { openSqliteStore } from "../store/sqlite-store.js";

const NOW = new Date(W1 + 20 * 86_400_000).toISOString();

describe("inferlog-collector report", () => {
  let fx: StoreFixture;
  beforeAll(async () => {
    fx = storeFixture("sqlite");
    const store = openSqliteStore({ path: fx.spec.slice("sqlite:".length) });
    await seedMetricsFixture(store);
    await store.close();
  });
  afterAll(async () => fx?.cleanup());

  it("prints the tables and writes the HTML file", async () => {
    const html = fx.spec.slice("sqlite:".length).replace("inferlog.db", "report.html");
    const child = await spawnCli(
      ["report", "--store", fx.spec, "--now", NOW, "--min-labels", "1", "--html", html],
      null,
    );
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).toContain(
      "  router       v1  2026-11-16       5        4     25.0%  25.0%  50.0%  75.0%  0.458   0.484     80.0%",
    );
    expect(out).toContain("  router      0-6        3   33.3%   66.7%   33.3%");
    expect(out).toMatch(/drifty +x +numeric +0\.000 {2} +6\.808!!\n/);
    expect(out).toContain(`HTML report: ${html}`);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, "utf8")).toContain('<svg id="chart-drift-0"');
  });

  it("prints only the sections asked for, saying which it left out, and no counts for what it did not count", async () => {
    const child = await spawnCli(["report", "--store", fx.spec, "--now", NOW, "--sections", "drift"], null);
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).toContain(
      "Sections not computed (the report's `sections`): orphans, calibration, feedback, items, business, challengers, recommendations",
    );
    expect(out).toMatch(/drifty +x +numeric +0\.000 {2} +6\.808!!\n/);
    expect(out).not.toContain("Retrain recommendation");
    // The label coverage table is always there; its orphan columns were not counted.
    expect(out).toMatch(/ {2}router {2}2026-11-16 +\d+ +\d+ +[\d.]+% +– +– +– +– +–\n/);
  });

  it("prints the JSON report with --json", async () => {
    const child = await spawnCli(["report", "--store", fx.spec, "--now", NOW, "--json", "--model", "router"], null);
    expect(await child.exited).toBe(0);
    const r = JSON.parse(child.output()) as { quality: { hitAt: number[] }[]; now: string };
    expect(r.now).toBe(NOW);
    expect(r.quality.map((q) => q.hitAt)).toEqual([[0.25, 0.5, 0.75]]);
  });

  it("names the bad flag", async () => {
    for (const [args, message] of [
      [["--k", "0"], "Expected --k to be an integer from 1 to 20, got `0`"],
      [["--window", "month"], 'Expected --window to be one of hour, day, week, got `"month"`'],
      [
        ["--reference-from", "2026-11-16T00:00:00Z"],
        "Expected --reference-from and --reference-to together, got only one of them",
      ],
    ] as const) {
      const child = await spawnCli(["report", "--store", fx.spec, ...args], null);
      expect(await child.exited).toBe(1);
      expect(child.output()).toContain(message);
    }
  });

  it("refuses a SQLite store that does not exist, naming the path, and creates nothing", async () => {
    const missing = fx.spec.slice("sqlite:".length).replace("inferlog.db", "typo.db");
    const child = await spawnCli(["report", "--store", `sqlite:${missing}`], null);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain(
      `inferlog-collector: No store at ${missing} (--store sqlite:${missing}): that file does not exist.`,
    );
    expect(existsSync(missing)).toBe(false);
  });
});
