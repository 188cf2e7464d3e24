import { validateEvent } from "@inferlog/core";
import { beforeAll, describe, expect, it } from "vitest";
import { prediction, STORE_KINDS, useStore } from "../../test/test-support.js";
import type { Store } from "../store/types.js";
import { dialectFor, metricsContext } from "./context.js";
import { DECILES, interpolatedEdges, linearPosition, referenceDecileEdges } from "./decile-edges.js";
import { resolveReportOptions } from "./options.js";

const T0 = Date.parse("2026-11-20T10:00:00Z");
const N = 90;

describe("linear decile positions (NumPy's default method)", () => {
  it("puts quantile q of n values at virtual index (n − 1) · q", () => {
    expect(linearPosition(0.7, 90)).toEqual({ lo: 62, hi: 63, fraction: expect.closeTo(0.3, 12) });
    expect(linearPosition(0.5, 1)).toEqual({ lo: 0, hi: 0, fraction: 0 });
    // np.quantile(np.arange(1, 11), [.1, ..., .9]) = 1.9, 2.8, ..., 9.1
    expect(interpolatedEdges(10, (p) => p + 1).map((e) => Number(e.toFixed(12)))).toEqual([
      1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1,
    ]);
    // Ties merge: five 1s and five 2s give 1, 1.5 (the median halfway) and 2.
    expect(interpolatedEdges(10, (p) => (p < 5 ? 1 : 2))).toEqual([1, 1.5, 2]);
    expect(DECILES).toHaveLength(9);
  });
});

describe.each(STORE_KINDS)("quantile positions in the %s store", (kind) => {
  let store: Store;
  useStore(kind, "all", (open) => {
    store = open.store;
  });
  beforeAll(async () => {
    // 90 predictions one second apart: their offsets 0..89 s are the values.
    const events = Array.from({ length: N }, (_, i) => {
      const raw = prediction({ predictionId: `qp-${i}`, timeMs: T0 + 1000 * i });
      const v = validateEvent("ml.prediction", raw);
      if (!v.ok) throw new Error(JSON.stringify(v.error));
      return { event: v.event, receivedMs: T0 + 1000 * i };
    });
    await store.insertBatch(events);
  }, 60_000);
  const source = `SELECT (time_ms - ${T0}) / 1000 AS v FROM predictions`;
  const readRows = () => {
    const read = store.readRows?.bind(store);
    if (!read) throw new Error("store without readRows");
    return read;
  };

  it("takes the value at ⌊q · n⌋: 0.7 of 90 is position 63, not 62 (0.7 · 90 = 62.99999999999999 in floating point)", async () => {
    const { dialect: d, query: q } = dialectFor(kind, readRows());
    const [row] = await d.quantiles(q, source, [], "v", [0.5, 0.7, 0.9]);
    expect([row?.q0, row?.q1, row?.q2].map(Number)).toEqual([45, 63, 81]);
    expect(Number(row?.n)).toBe(N);
  });

  it("decile edges by linear interpolation match np.quantile(np.arange(90), deciles)", async () => {
    const ctx = metricsContext(kind, resolveReportOptions({}), readRows());
    const edges = await referenceDecileEdges(ctx, source, "v", N);
    // np.quantile(np.arange(90), [.1, ..., .9]) = 8.9, 17.8, ..., 80.1
    expect(edges.map((e) => Number(e.toFixed(9)))).toEqual([8.9, 17.8, 26.7, 35.6, 44.5, 53.4, 62.3, 71.2, 80.1]);
  });
});
