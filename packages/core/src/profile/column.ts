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
  add(value: unknown): boolean {
    this.count++;
    if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value))) {
      this.nulls++;
      return true;
    }
    if (typeof value === "number") {
      if (this.kind === undefined) this.kind = "numeric";
      if (this.kind === "numeric") return this.addNumber(value);
      this.addCategory(String(value));
      return true;
    }
    if (this.kind === undefined) this.kind = "categorical";
    if (this.kind === "numeric") {
      this.nulls++;
      return false;
    }
    this.addCategory(
      typeof value === "string" ? value : typeof value === "boolean" ? String(value) : JSON.stringify(value),
    );
    return true;
  }

  private addNumber(value: number): true {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sum += value;
    this.sketch ??= new NumericSketch(this.settings.relativeAccuracy);
    this.sketch.add(value);
    return true;
  }

  private addCategory(raw: string): void {
    // The wire caps a top value's length; longer strings are counted under their prefix.
    const value = raw.length > LIMITS.maxFeatureStringLength ? raw.slice(0, LIMITS.maxFeatureStringLength) : raw;
    if (this.sensitive) {
      this.distinct ??= new DistinctCounter();
      this.distinct.add(value);
      return;
    }
    this.values ??= new Map();
    const seen = this.values.get(value);
    if (seen !== undefined) {
      this.values.set(value, seen + 1);
    } else if (this.values.size < this.settings.maxTrackedValues) {
      this.values.set(value, 1);
    } else {
      // Too many distinct values to count exactly: estimate from here on, seeded with every value seen.
      if (!this.distinct) {
        this.distinct = new DistinctCounter();
        for (const key of this.values.keys()) this.distinct.add(key);
      }
    }
    this.distinct?.add(value);
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
        .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0))
        .slice(0, this.settings.maxTopValues)
        .map(([value, count]) => ({ value, count }));
    }
    return out;
  }
}
