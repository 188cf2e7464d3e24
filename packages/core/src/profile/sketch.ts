import { LogCollapsingLowestDenseDDSketch } from "@datadog/sketches-js";
import { LIMITS } from "../schema/limits.js";

/**
 * The wire form of a DDSketch (`ml.feature_profile` columns' `sketch`). With relative accuracy
 * α the mapping's base is γ = (1 + α) / (1 − α); bin index i holds the values v with
 * γ^(i−1) < |v| ≤ γ^i (index = ceil(log_γ |v|), no offset), represented by 2γ^i / (1 + γ).
 * This is `@datadog/sketches-js`'s `LogarithmicMapping` with offset 0, so bins from any
 * client with the same α merge by adding counts per index.
 */
export interface WireSketch {
  relativeAccuracy: number;
  positive: Record<string, number>;
  negative: Record<string, number>;
  zeroCount: number;
}

interface StoreLike {
  bins: number[];
  offset: number;
}

function binsOf(store: StoreLike): Record<string, number> {
  const out: Record<string, number> = {};
  const { bins, offset } = store;
  for (let index = 0; index < bins.length; index++) {
    const count = bins[index] as number;
    if (count > 0) out[String(index + offset)] = count;
  }
  return out;
}

/** A DDSketch of one numeric column; min, max and sum are kept by the column, not here. */
export class NumericSketch {
  private readonly sketch: LogCollapsingLowestDenseDDSketch;
  constructor(readonly relativeAccuracy: number) {
    // Collapsing the lowest bins keeps every store within the schema's `maxSketchBins`.
    this.sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy, binLimit: LIMITS.maxSketchBins });
  }

  add(value: number): void {
    this.sketch.accept(value);
  }

  toWire(): WireSketch {
    return {
      relativeAccuracy: this.relativeAccuracy,
      positive: binsOf(this.sketch.store),
      negative: binsOf(this.sketch.negativeStore),
      zeroCount: this.sketch.zeroCount,
    };
  }
}
