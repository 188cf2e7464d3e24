/** Browser: gzipped bundle bytes for init plus one event, inferlog against the browser SDKs users compare it with. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error: the browser package's plain .mjs size script (no declarations), shared with its size test
import { measureBundle } from "../../../../packages/browser/scripts/measure-size.mjs";
import { gzippedBundle } from "../browser/bundle.js";
import { SIZE_TEST_METRIC } from "../goals.js";
import { emit, type Row } from "../measure.js";
import { versionOf } from "../subjects/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../browser");
const fixtures: [file: string, subject: string, pkg: string][] = [
  ["inferlog.ts", "inferlog", "@inferlog/browser"],
  ["posthog-js-lite.ts", "posthog-js-lite", "posthog-js-lite"],
  ["segment-analytics-next.ts", "@segment/analytics-next", "@segment/analytics-next"],
  ["amplitude.ts", "@amplitude/analytics-browser", "@amplitude/analytics-browser"],
  ["opentelemetry-logs.ts", "OpenTelemetry logs (browser)", "@opentelemetry/sdk-logs"],
  ["sentry.ts", "@sentry/browser", "@sentry/browser"],
];
const rows: Row[] = [];
for (const [file, subject, pkg] of fixtures) {
  try {
    const r = await gzippedBundle(join(dir, file));
    rows.push({
      metric: "browser bundle, init + one event (gzip -9)",
      subject,
      value: r.gzipBytes,
      unit: "B",
      better: "lower",
      note: `${pkg}@${versionOf(pkg)}, ${r.minBytes} B minified`,
    });
  } catch (e) {
    const note = `could not bundle: ${e instanceof Error ? e.message.split("\n")[0] : e}`;
    rows.push({
      metric: "browser bundle, init + one event (gzip -9)",
      subject,
      value: null,
      unit: "B",
      better: "lower",
      note,
    });
  }
}
// The figure the browser package's size test holds to its ceiling: its own fixture (init, prediction,
// exposure, feedback) built from `dist`, as a user installs it. The peer rows above log one event each.
try {
  const own = (await measureBundle({ dist: true })) as { gzipBytes: number; minBytes: number };
  rows.push({
    metric: SIZE_TEST_METRIC,
    subject: "inferlog",
    value: own.gzipBytes,
    unit: "B",
    better: "lower",
    note: `packages/browser/scripts/size-fixture.ts from dist, ${own.minBytes} B minified`,
  });
} catch (e) {
  const note = `could not bundle: ${e instanceof Error ? e.message.split("\n")[0] : e}`;
  rows.push({ metric: SIZE_TEST_METRIC, subject: "inferlog", value: null, unit: "B", better: "lower", note });
}
emit("browser-bundle", rows);
