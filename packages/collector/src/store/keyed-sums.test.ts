import { describe, expect, it } from "vitest";
import { keyedSums } from "./keyed-sums.js";

describe("keyedSums", () => {
  it("sums per whole key, in the order keys first came", () => {
    const sums = keyedSums<[string, number, string | null]>();
    sums.add(["m", 1, "a"], 1);
    sums.add(["m", 2, "a"], 1);
    sums.add(["m", 1, "a"], 2);
    sums.add(["m", 1, "b"], -1);
    expect(sums.take()).toEqual([
      { key: ["m", 1, "a"], n: 3 },
      { key: ["m", 2, "a"], n: 1 },
      { key: ["m", 1, "b"], n: -1 },
    ]);
  });

  it("tells apart keys a joined string would merge: NULL and '', 1 and '1', parts holding a separator", () => {
    const sums = keyedSums<[string | null, string | number]>();
    sums.add([null, ""], 1);
    sums.add(["", ""], 1);
    sums.add(["x", 1], 1);
    sums.add(["x", "1"], 1);
    sums.add(["a\u0000b", "c"], 1);
    sums.add(["a", "b\u0000c"], 1);
    sums.add(['a","b', "c"], 1);
    sums.add(["a", 'b","c'], 1);
    expect(sums.take().map((sum) => sum.n)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("forgets what it gave on take, and everything on clear", () => {
    const sums = keyedSums<[string]>();
    sums.add(["a"], 1);
    expect(sums.take()).toEqual([{ key: ["a"], n: 1 }]);
    sums.add(["a"], 1);
    expect(sums.take()).toEqual([{ key: ["a"], n: 1 }]);
    sums.add(["b"], 5);
    sums.clear();
    sums.add(["b"], 1);
    expect(sums.take()).toEqual([{ key: ["b"], n: 1 }]);
    expect(sums.take()).toEqual([]);
  });
});
