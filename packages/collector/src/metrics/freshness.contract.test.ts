import { beforeAll, describe, expect, it } from "vitest";
import { eventMaker, STORE_KINDS, useStore } from "../../test/test-support.js";
import { renderReportHtml } from "../report/render-html.js";
import { renderReportText } from "../report/render-text.js";
import type { IncomingEvent, Store } from "../store/types.js";
import { computeReport } from "./compute-report.js";
import type { Report } from "./types.js";

const DAY = 86_400_000;
const W1 = Date.parse("2026-11-16T00:00:00Z");
const W2 = W1 + 7 * DAY;
const at = (ms: number) => new Date(ms).toISOString();
const FEED = {
  name: "feed",
  version: "v1",
  trainedAt: at(W1 - 7 * DAY),
  dataCutoff: at(W1 + 2 * DAY),
  deployedAt: at(W1 + 3 * DAY),
};
const FEED2 = { name: "feed2", version: "v1", trainedAt: at(W1) };
const ev = eventMaker("fr", "freshness-test");

/**
 * Items a and b first appear on day 1 (before feed's data cutoff, day 2), c on day 4, d in week 2.
 * P1 (day 1) shows a, b, a accepted by id; P2 (day 4) shows c, a, c accepted by position 0; P3 (day 5) shows c, b,
 * nothing accepted; P4 (week 2, k = 2) shows d, c (a is ranked 3rd, not shown), d accepted by id.
 * feed2 logs no cutoff: its training time (W1) stands in; its item x (day 1) is newer; y, suggested on day 1 too,
 * is 3 days old (`itemAgeSeconds`): it appeared before W1 and is not new.
 */
function events(): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  const pred = (model: object, id: string, t: number, items: string[], k: number, ageSeconds?: number[]) =>
    out.push(
      ev("ml.prediction", t, {
        predictionId: id,
        model,
        task: "ranking",
        output: {
          label: items[0],
          k,
          candidates: items.map((c, i) => ({
            id: c,
            rank: i + 1,
            ...(ageSeconds ? { itemAgeSeconds: ageSeconds[i] } : {}),
          })),
        },
      }),
    );
  const accept = (model: string, id: string, t: number, pick: { candidateId?: string; position?: number }) =>
    out.push(
      ev("ml.feedback", t + 1000, {
        predictionId: id,
        modelName: model,
        action: "accepted",
        kind: "explicit",
        ...pick,
      }),
    );
  pred(FEED, "P1", W1 + DAY, ["a", "b"], 2);
  accept("feed", "P1", W1 + DAY, { candidateId: "a" });
  pred(FEED, "P2", W1 + 4 * DAY, ["c", "a"], 2);
  accept("feed", "P2", W1 + 4 * DAY, { position: 0 });
  pred(FEED, "P3", W1 + 5 * DAY, ["c", "b"], 2);
  pred(FEED, "P4", W2 + DAY, ["d", "c", "a"], 2);
  accept("feed", "P4", W2 + DAY, { candidateId: "d" });
  pred(FEED2, "X1", W1 + DAY, ["x", "y"], 2, [0, 3 * 86_400]);
  return out;
}

describe.each(STORE_KINDS)("content freshness in the %s store", (kind) => {
  let store: Store;
  let report: Report;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    await store.insertBatch(events());
    report = await computeReport(store, { now: W2 + 20 * DAY });
  }, 60_000);

  it("reads each version's data cutoff and deploy time from its logged model", () => {
    const v = report.versions.find((x) => x.model === "feed");
    expect(v).toMatchObject({ dataCutoff: FEED.dataCutoff, deployedAt: FEED.deployedAt, trainedAt: FEED.trainedAt });
    expect(report.versions.find((x) => x.model === "feed2")).toMatchObject({ dataCutoff: null, deployedAt: null });
  });

  it("counts shown and accepted items newer than the cutoff, and the accept rates of newer and older items", () => {
    expect(report.freshness).toEqual([
      {
        model: "feed",
        version: "v1",
        windowStart: at(W1),
        cutoff: FEED.dataCutoff,
        cutoffSource: "dataCutoff",
        shown: 6,
        shownNew: 2,
        accepted: 2,
        acceptedNew: 1,
        shownNewShare: 2 / 6,
        acceptedNewShare: 1 / 2,
        acceptRateNew: 1 / 2,
        acceptRateOld: 1 / 4,
      },
      {
        model: "feed",
        version: "v1",
        windowStart: at(W2),
        cutoff: FEED.dataCutoff,
        cutoffSource: "dataCutoff",
        shown: 2,
        shownNew: 2,
        accepted: 1,
        acceptedNew: 1,
        shownNewShare: 1,
        acceptedNewShare: 1,
        acceptRateNew: 1 / 2,
        acceptRateOld: null,
      },
      {
        model: "feed2",
        version: "v1",
        windowStart: at(W1),
        cutoff: FEED2.trainedAt,
        cutoffSource: "trainedAt",
        shown: 2,
        shownNew: 1,
        accepted: 0,
        acceptedNew: 0,
        shownNewShare: 0.5,
        acceptedNewShare: null,
        acceptRateNew: 0,
        acceptRateOld: 0,
      },
    ]);
  });

  it("counts items by the window they first appeared in (a candidate ranked below k counts; y by its age)", () => {
    expect(report.newItems).toEqual([
      { model: "feed", windowStart: at(W1), newItems: 3 },
      { model: "feed", windowStart: at(W2), newItems: 1 },
      { model: "feed2", windowStart: at(W1 - 7 * DAY), newItems: 1 },
      { model: "feed2", windowStart: at(W1), newItems: 1 },
    ]);
  });

  it("prints the freshness and new-items tables and draws the newer-item shares", () => {
    const lines = renderReportText(report)
      .split("\n")
      .map((l) => l.trim().replace(/ +/g, " "));
    expect(lines).toContain("feed v1 2026-11-16 2026-11-18 00:00 6 33.3% 2 50.0% 50.0% 25.0%");
    expect(lines).toContain("feed2 v1 2026-11-16 2026-11-16 00:00 (trained) 2 50.0% 0 – 0.0% 0.0%");
    expect(lines).toContain("feed 2026-11-23 1");
    const html = renderReportHtml(report);
    const ys = [...html.matchAll(/data-series="feed v1 shown new">.*?<\/g>/gs)].flatMap((m) =>
      [...m[0].matchAll(/data-y="([^"]+)"/g)].map((y) => Number(y[1])),
    );
    expect(ys).toEqual([2 / 6, 1]);
    // feed's deploy marker sits at its logged deployedAt, on the freshness chart too.
    expect(html).toMatch(/<svg id="chart-freshness"[\s\S]*?class="marker"[\s\S]*?feed v1<\/text>/);
  });
});
