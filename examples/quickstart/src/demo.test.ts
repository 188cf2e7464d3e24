import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { renderReportText } from "@inferlog/collector";
import { afterAll, expect, it } from "vitest";
import { type DemoResult, runDemo } from "./run-demo.js";

const week = (n: number) => new Date(Date.parse("2026-09-07T00:00:00Z") + (n - 1) * 7 * 86_400_000).toISOString();
let result: DemoResult | undefined;
afterAll(() => {
  if (result) rmSync(result.dir, { recursive: true, force: true });
});

it("the eight-week demo delivers every event and its report tells the story it simulated", async () => {
  result = await runDemo({ ticketsPerDay: 40 });
  const r = result.report;
  // The shown versions' quality; the challenger (2026.09) has its own rows.
  const routerQuality = r.quality.filter((q) => q.model === "ticket-router" && q.version !== "2026.09");
  const total = Object.values(result.logged).reduce((a, b) => a + b, 0);
  expect(result.logged.predictions).toBe(40 * 56);
  expect(result.logged.shadowPredictions).toBe(40 * 14);
  expect(result.stats.sent).toBe(total);
  expect(result.stats.dropped.total).toBe(0);

  // v1 serves weeks 1-5, the retrained v2 weeks 6-8; 280 tickets a week.
  expect(routerQuality.map((q) => [q.windowStart, q.version, q.volume])).toEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [week(n), n <= 5 ? "2026.08" : "2026.10", 280]),
  );
  const challenger = r.quality.filter((q) => q.version === "2026.09");
  expect(challenger.map((q) => [q.windowStart, q.volume])).toEqual([
    [week(3), 280],
    [week(4), 280],
  ]);
  expect(r.versions.find((v) => v.version === "2026.09" && v.model === "ticket-router")?.shadowPredictions).toBe(560);
  const acc = (n: number) => routerQuality.find((q) => q.windowStart === week(n))?.accuracy ?? Number.NaN;
  expect(acc(5)).toBeLessThan(acc(1) - 0.15); // ageing plus the shift
  expect(acc(6)).toBeGreaterThan(acc(5) + 0.15); // the retrained version recovers
  for (const q of routerQuality) expect(q.hitAt[2]).toBeGreaterThan(q.hitAt[0] as number); // top-3 beats top-1

  // Ticket length shifts from week 4: flagged major from then on, never before.
  const words = r.drift.filter((d) => d.feature === "words");
  expect(words.map((d) => d.flag === "major")).toEqual([false, false, false, true, true, true, true, true]);

  // Retrain signal: v1 falls 5 points below its first week within its first month.
  const v1 = r.retrain.find((x) => x.model === "ticket-router" && x.version === "2026.08");
  expect(v1?.dropAge).toBeGreaterThan(7);
  expect(v1?.dropAge).toBeLessThan(35);

  // The long-term pullback: agents ignore more the longer they have seen suggestions.
  const routerExposure = r.exposureAge.filter((e) => e.model === "ticket-router");
  const first = routerExposure[0];
  const last = routerExposure[routerExposure.length - 1];
  expect(first?.exposureAgeDays).toBe(0);
  expect((first?.acceptRate ?? 0) - (last?.acceptRate ?? 1)).toBeGreaterThan(0.2);
  expect((last?.ignoreRate ?? 0) - (first?.ignoreRate ?? 1)).toBeGreaterThan(0.2);

  // The article suggester's catalogue grows daily: a third of what it shows (the newest-article slot) is newer
  // than its data cutoff, and agents take those newer articles more often than the model's own, older picks.
  const fresh = (version: string) =>
    r.freshness.filter((f) => f.model === "article-suggester" && f.version === version);
  for (const version of ["2026.08", "2026.10"]) {
    const rows = fresh(version);
    expect(rows.length).toBeGreaterThan(1);
    for (const f of rows) {
      expect(f.cutoffSource).toBe("dataCutoff");
      expect(f.shownNewShare).toBeGreaterThan(0.3);
      expect(f.shownNewShare).toBeLessThan(0.4);
    }
  }
  const all = fresh("2026.08");
  const newRate = all.reduce((a, f) => a + f.acceptedNew, 0) / all.reduce((a, f) => a + f.shownNew, 0);
  const oldRate =
    all.reduce((a, f) => a + f.accepted - f.acceptedNew, 0) / all.reduce((a, f) => a + f.shown - f.shownNew, 0);
  expect(newRate).toBeGreaterThan(oldRate + 0.1);
  // Seven new articles a week (one a day), dated by their age when first suggested; the older ones before week 1.
  const weekly = r.newItems.filter((x) => x.model === "article-suggester" && x.windowStart >= week(1));
  expect(weekly.map((x) => x.newItems)).toEqual(Array.from({ length: 8 }, () => 7));
  // Accuracy before labels: v1's overconfident scores are refused (ECE above 0.05); v2's calibrated scores give
  // an estimate within 6 points of the accuracy its labels showed, in every week.
  const v1Estimates = r.labelFree.filter((x) => x.model === "ticket-router" && x.version === "2026.08");
  for (const x of v1Estimates) expect(x.refused).toMatch(/^scores are not calibrated: ECE 0\.\d+ > maxEce 0\.05$/);
  const v2Estimates = r.labelFree.filter((x) => x.model === "ticket-router" && x.version === "2026.10");
  expect(v2Estimates).toHaveLength(3);
  for (const x of v2Estimates) {
    expect(x.refused).toBeNull();
    expect(Math.abs(x.error as number)).toBeLessThan(0.06);
  }
  // Age or calendar time: the challenger (v1's pipeline retrained 15 days later, scoring every ticket of weeks 3
  // and 4 unseen) is measurably better on the same requests, about 0.18 points a day of age in the simulation;
  // both fall together in week 4, at ages 15 days apart: that fall is the new tickets (the world), not age.
  const [sameWeek3, sameWeek4, ...noMore] = r.sameWindow.filter((x) => x.model === "ticket-router");
  expect(noMore).toEqual([]);
  for (const [row, w] of [
    [sameWeek3, 3],
    [sameWeek4, 4],
  ] as const) {
    expect(row).toMatchObject({ windowStart: week(w), older: "2026.08", newer: "2026.09", method: "paired" });
    expect(row).toMatchObject({ olderRole: "shown", newerRole: "shadow" });
    expect(row?.paired).toBeGreaterThan(240);
    expect(row?.difference).toBeGreaterThan(0);
  }
  const [age] = r.ageEffect.filter((x) => x.model === "ticket-router");
  expect(age).toMatchObject({ older: "2026.08", newer: "2026.09", ageGap: 15, windows: 2, method: "paired" });
  expect(age?.ciLow).toBeGreaterThan(0);
  expect(age?.perAgeUnit).toBeGreaterThan(-0.005);
  expect(age?.perAgeUnit).toBeLessThan(-0.0005);
  expect(age?.olderChange).toBeLessThan(-0.1);
  expect(age?.newerChange).toBeLessThan(-0.1);
  expect(age?.verdict).toContain("both fell on the same days");
  expect(age?.verdict).toContain("a change both show at once is calendar time (the world changed)");
  const [confounding] = r.confounding.filter((x) => x.model === "ticket-router");
  expect(confounding).toMatchObject({ versions: 3, overlappingWindows: 2, confounded: false });
  expect(confounding?.statement).toMatch(
    /^age and calendar time are told apart on 2 weeks \(2026-09-21 to 2026-09-28\): \d+ labeled requests scored by two versions/,
  );
  // One stated recommendation per model; the router's takes its cadence from the measured age effect, not from
  // the drop ages (which include the calendar's fall), and says what the overlap showed.
  const router = r.recommendations.find((x) => x.model === "ticket-router");
  expect(router?.version).toBe("2026.10");
  expect(router?.action).toMatch(/^retrain now, then every \d+ d$/);
  expect(router?.cadence).toBe(Math.ceil(0.05 / -(age?.perAgeUnit as number)));
  expect(
    router?.reasons.some((x) =>
      /^ageing: on the same weeks, 2026\.09 \(15 d younger\) was \d+\.\d pts more accurate than 2026\.08: \d\.\d\d pts lost per day of age, 5\.0% in \d+ d$/.test(
        x,
      ),
    ),
  ).toBe(true);
  expect(router?.caveats.some((x) => x.startsWith("the drops at age "))).toBe(true);
  expect(router?.caveats.some((x) => x.startsWith("age or calendar time: on the same weeks"))).toBe(true);
  expect(router?.caveats.some((x) => x.startsWith("age and calendar time are confounded"))).toBe(false);
  const articles = r.recommendations.find((x) => x.model === "article-suggester");
  expect(articles?.reasons.some((x) => x.startsWith("freshness: "))).toBe(true);
  // Labels arrive one to three days late; the business metric is there for every week.
  for (const l of r.labelLatency) {
    expect(l.p50Seconds).toBeGreaterThan(86_400);
    expect(l.p99Seconds).toBeLessThanOrEqual(3 * 86_400);
  }
  expect(new Set(r.business.map((b) => b.windowStart)).size).toBe(8);
  // Handle time saved by the accepted suggestion's rank: rank 1 saves most, each lower rank less, all clearly
  // more than "no suggestion used" (the Welch interval clear of 0).
  const use = (version: string, name: string) =>
    r.businessByUse.find(
      (b) => b.windowStart === null && b.version === version && b.metric === "handleTimeSavedSec" && b.use === name,
    );
  for (const version of ["2026.08", "2026.10"]) {
    const [rank1, rank2, rank3] = [1, 2, 3].map((k) => use(version, `rank ${k}`));
    expect(rank1?.ciLow).toBeGreaterThan(0);
    expect(rank3?.ciLow).toBeGreaterThan(0);
    expect(rank1?.mean).toBeGreaterThan((rank2?.mean ?? Number.NaN) + 15);
    expect(rank2?.mean).toBeGreaterThan((rank3?.mean ?? Number.NaN) + 15);
    expect(use(version, "no suggestion used")?.n).toBeGreaterThan(100);
  }
  // The two monitors (monitors.ts), evaluated at the end of each week: both fire in week 4, when the new
  // tickets arrive, the accuracy drop for v1 and for the challenger beside it (monitors watch every version);
  // the challenger's resolves when it stops scoring, v1's in week 6, when the retrained version replaces it.
  const changes = result.alerts.map((w) => [
    w.week,
    w.transitions.map((t) => `${t.status} ${t.monitorId}${t.scope.version ? ` ${t.scope.version}` : ""}`),
  ]);
  expect(changes).toEqual([
    [1, []],
    [2, []],
    [3, []],
    [4, ["firing router-accuracy-drop 2026.08", "firing router-accuracy-drop 2026.09", "firing ticket-length-drift"]],
    [5, ["resolved router-accuracy-drop 2026.09"]],
    [6, ["resolved router-accuracy-drop 2026.08"]],
    [7, []],
    [8, []],
  ]);
  expect(result.alerts.map((w) => w.firing.length)).toEqual([0, 0, 0, 3, 2, 1, 1, 1]);
  expect(r.alerts.firing.map((f) => f.monitorId)).toEqual(["ticket-length-drift"]);
  expect(r.alerts.recent.map((e) => `${e.status} ${e.monitorId} ${e.scope.version ?? ""}`.trim())).toEqual([
    "resolved router-accuracy-drop 2026.08",
    "resolved router-accuracy-drop 2026.09",
    "firing router-accuracy-drop 2026.09",
    "firing router-accuracy-drop 2026.08",
    "firing ticket-length-drift",
  ]);
  expect(existsSync(result.htmlPath)).toBe(true);
  expect(readFileSync(result.htmlPath, "utf8")).toContain('<svg id="chart-accuracy"');

  // The command the demo prints re-opens the same report from the store it left.
  expect(result.reopen).toMatch(/^pnpm exec inferlog-collector report --store sqlite:\S+inferlog\.db --now \S+Z$/);
  const collectorDir = dirname(createRequire(import.meta.url).resolve("@inferlog/collector/package.json"));
  const args = result.reopen.replace("pnpm exec inferlog-collector ", "").split(" ");
  const printed = execFileSync(process.execPath, [join(collectorDir, "bin/inferlog-collector.js"), ...args], {
    encoding: "utf8",
  });
  expect(printed).toBe(renderReportText(r));
});
