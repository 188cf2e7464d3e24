import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script shared with `pnpm size`, no type declarations
import { measureBundle } from "../scripts/measure-size.mjs";

/**
 * The first target was 10 KB gzip for init + prediction + exposure + feedback (esbuild, minify, ESM,
 * es2020, gzip -9). zod is out (23.6 KB -> 14.7 KB), core's delivery path was compacted (12.8-13.0 KB),
 * the production build leaves the wire contract to the collector (10.9 KB), and on 2026-11-27 a pass
 * over core's client and the IndexedDB persistence brought it under (10,206 B; 10,106 B from dist;
 * docs/browser.md, "Bundle size"). Correctness then came first, and bought bytes. Issue 18 (no silent
 * failure): default diagnostics (the first failure of an episode with its likely cause, CORS included;
 * the first drop of each kind) and feature values that cost the value, not the event. Issue 23: nothing
 * lost at page close (records written per batch as events are queued, the localStorage spill at page
 * hide), locks released for the back/forward cache, the IndexedDB open timeout, exposures judged against
 * the viewport and paused while hidden. With core's bounded work per call and retry policy, the built
 * files came to 14,303 B; a size pass (adapter-private members renamed in dist, one IndexedDB write
 * helper) brought them to 14,227 B. Issue 19 then added one answer for every input (lone surrogates
 * repaired to U+FFFD on the client instead of the whole event refused at the collector) and one HTTP
 * transport shape shared with core: 14,505 B; issue 23's page-close request preferring events not yet
 * on disk (core's `isPersisted` hook): about 14,620 B. The ceiling is that plus a small margin
 * (14,700 B). Issue 19's restored helpers (the IdbStore unit, isSampledIn) and explicit pipeline then
 * brought it to 14,664 B. That is about 0.8 KB more than OpenTelemetry's browser logs SDK (13.9 KB),
 * which has no persistence, no page-close delivery, no exposures and no default diagnostics. Then every
 * object and function option got its shape checked at createClient (logger, taskQueue, clock, random,
 * encoder, hooks, features, circuitBreaker, debug, strict), each of which had been accepted and failed
 * later, some as an uncaught exception: 14,682 B -> 14,960 B from dist (+278), 14,993 B -> 15,282 B
 * from the sources (+289); the ceiling rose by that, from 14,700 B to 14,990 B. Then five defects of
 * losing events or throwing into the page were fixed: the feedback logged at pagehide queued (and spilled)
 * even with no keepalive room, page-hide steps independent with failures told to `onError`, exposures
 * reading a copy of their input, unreadable `trackExposure` input counted as invalid, and a closed
 * IndexedDB connection handled (memory mode, its events kept): 14,967 B -> 15,343 B from dist (+376),
 * 15,289 B -> 15,674 B from the sources (+385); the ceiling rose by that, to 15,366 B. A clamp warning that
 * says when the size it lowers is a default the app never set: 15,342 B -> 15,367 B (+25), ceiling 15,392 B.
 * Fields a validator leaves out said once or refused in strict mode (stray-fields.ts; the text is built by the
 * validators, which this bundle does not carry, so it pays only the branch): 15,367 B -> 15,422 B (+55), ceiling
 * 15,432 B. The collector's `warnings` (fields it left out of an event this build sent unchecked) read and said
 * once: 15,422 B -> 15,510 B (+88), ceiling 15,530 B. 10 KB stays the goal.
 */
const ISSUE_TARGET_GZIP_BYTES = 10 * 1024;
/** What a user bundles: the built `dist` of core and of this package. */
const CEILING_GZIP_BYTES = 15_530;
/**
 * The TypeScript sources measure about 330 B more than `dist` (about 15,675 B): they carry the adapter's and
 * core's `_` member names in full and core's constants unfolded, which the published build shortens and
 * folds. Held to the same ceiling plus 310 B, so a change that adds bytes shows up here too.
 */
const SOURCES_CEILING_GZIP_BYTES = CEILING_GZIP_BYTES + 310;
/**
 * The adapter's own minified code (src/ of this package), so it stays thin whatever core does: 12 KB
 * (12,288 B) until the five defect fixes above took it from 11,597 B to 12,530 B (+933 B), and the
 * ceiling by as much.
 */
const ADAPTER_CEILING_MIN_BYTES = 13_221;
/** Node-only modules, and zod (its runtime parser alone was ~9.5 KB gzip) with the modules that pull it in. */
const FORBIDDEN = [
  "undici",
  "node:",
  "@noble/hashes",
  "subject-key",
  "p-queue",
  "zod",
  "core/src/validate.ts",
  "core/src/schema/events.ts",
  "core/src/schema/common.ts",
];

interface Measured {
  minBytes: number;
  gzipBytes: number;
  inputs: string[];
  byModule: [string, number][];
}

describe("browser bundle size", () => {
  it("stays under the ceiling, with the adapter's share small and no Node-only module", async () => {
    const r = (await measureBundle()) as Measured;
    const adapter = r.byModule.filter(([m]) => m.startsWith("src/")).reduce((n, [, b]) => n + b, 0);
    console.log(
      `bundle: ${r.gzipBytes} B gzip -9 (${r.minBytes} B min; ceiling ${SOURCES_CEILING_GZIP_BYTES}); adapter ${adapter} B min`,
    );
    expect(r.gzipBytes).toBeLessThanOrEqual(SOURCES_CEILING_GZIP_BYTES);
    expect(adapter).toBeLessThanOrEqual(ADAPTER_CEILING_MIN_BYTES);
    for (const bad of FORBIDDEN) expect(r.inputs.filter((p) => p.includes(bad))).toEqual([]);
    expect(r.inputs.some((p) => p === "src/client.ts")).toBe(true);
    // The production build leaves the wire contract to the collector: none of the validator's code is in it.
    expect(r.byModule.find(([m]) => m === "../core/src/lite-validate.ts")?.[1] ?? 0).toBe(0);
  });

  it("holds for the built dist a user installs (core's and this package's, after `pnpm build`)", async () => {
    const r = (await measureBundle({ dist: true })) as Measured;
    console.log(
      `bundle from dist: ${r.gzipBytes} B gzip -9 (${r.minBytes} B min; ceiling ${CEILING_GZIP_BYTES}, goal ${ISSUE_TARGET_GZIP_BYTES})`,
    );
    expect(r.gzipBytes).toBeLessThanOrEqual(CEILING_GZIP_BYTES);
    expect(r.inputs.some((p) => p.startsWith("dist/"))).toBe(true);
    expect(r.inputs.some((p) => p.startsWith("../core/dist/"))).toBe(true);
    expect(r.inputs.filter((p) => p.includes("/src/") || p.includes("zod"))).toEqual([]);
  });

  it("resolves the development build under the `development` condition, with the validator in it", async () => {
    const r = (await measureBundle({ development: true })) as Measured;
    expect(r.inputs).toContain("src/development.ts");
    expect(r.byModule.find(([m]) => m === "../core/src/lite-validate.ts")?.[1]).toBeGreaterThan(3000);
    for (const bad of FORBIDDEN) expect(r.inputs.filter((p) => p.includes(bad))).toEqual([]);
  });
});
