import type { FeatureProfileData } from "../schema/events.js";
import { LIMITS } from "../schema/limits.js";
import { DistinctCounter } from "./distinct.js";
import { NumericSketch } from "./sketch.js";

export type ProfileColumn = FeatureProfileData["columns"][string];

export interface ColumnSettings {
  relativeAccuracy: number;
  maxTopValues: number;
  maxTrackedValues: number;
}

/**
 * One feature's values in one window. The kind is fixed by the first non-null value (numbers →
 * numeric; strings, booleans, arrays → categorical, as the collector's raw-row drift does);
 * a later value of the other kind is counted as null and reported as `mismatched`.
 * `count` counts every observation, nulls included.
 */
export class ColumnAccumulator {
  kind: "numeric" | "categorical" | undefined;
  count = 0;
  nulls = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private sketch: NumericSketch | undefined;
  /** Exact value counts while there are at most `maxTrackedValues` distinct values (never for sensitive columns). */
  private values: Map<string, number> | undefined;
  private distinct: DistinctCounter | undefined;

  constructor(
    private readonly settings: ColumnSettings,
    private readonly sensitive: boolean,
  ) {}

  /** Returns false when the value did not match the column's kind (it is then counted as null). */
  add(v: unknown): boolean {
    this.count++;
    if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) {
      this.nulls++;
      return true;
    }
    if (typeof v === "number") {
      if (this.kind === undefined) this.kind = "numeric";
      if (this.kind === "numeric") return this.addNumber(v);
      this.addCategory(String(v));
      return true;
    }
    if (this.kind === undefined) this.kind = "categorical";
    if (this.kind === "numeric") {
      this.nulls++;
      return false;
    }
    this.addCategory(typeof v === "string" ? v : typeof v === "boolean" ? String(v) : JSON.stringify(v));
    return true;
  }

  private addNumber(v: number): true {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
    this.sketch ??= new NumericSketch(this.settings.relativeAccuracy);
    this.sketch.add(v);
    return true;
  }

  private addCategory(raw: string): void {
    // The wire caps a top value's length; longer strings are counted under their prefix.
    const v = raw.length > LIMITS.maxFeatureStringLength ? raw.slice(0, LIMITS.maxFeatureStringLength) : raw;
    if (this.sensitive) {
      this.distinct ??= new DistinctCounter();
      this.distinct.add(v);
      return;
    }
    this.values ??= new Map();
    const seen = this.values.get(v);
    if (seen !== undefined) {
      this.values.set(v, seen + 1);
    } else if (this.values.size < this.settings.maxTrackedValues) {
      this.values.set(v, 1);
    } else {
      // Too many distinct values to count exactly: estimate from here on, seeded with every value seen.
      if (!this.distinct) {
        this.distinct = new DistinctCounter();
        for (const k of this.values.keys()) this.distinct.add(k);
      }
    }
    this.distinct?.add(v);
  }

  toWire(): ProfileColumn {
    const kind = this.kind ?? "numeric";
    const out: ProfileColumn = { kind, count: this.count, nulls: this.nulls };
    if (kind === "numeric") {
      if (this.sketch) {
        out.min = this.min;
        out.max = this.max;
        out.sum = this.sum;
        out.sketch = this.sketch.toWire();
      }
      return out;
    }
    if (this.distinct) out.distinctEstimate = this.distinct.estimate();
    else out.distinctEstimate = this.values?.size ?? 0;
    if (!this.sensitive) {
      out.topValues = [...(this.values ?? [])]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, this.settings.maxTopValues)
        .map(([value, count]) => ({ value, count }));
    }
    return out;
  }
}
