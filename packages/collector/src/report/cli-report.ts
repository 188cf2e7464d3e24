import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { computeReport } from "../metrics/compute-report.js";
import { openStore } from "../store/open-store.js";
import { sqliteFileOf } from "../store/sqlite-path.js";
import { parseReportParams, REPORT_PARAMS } from "./params.js";
import { renderReportHtml } from "./render-html.js";
import { renderReportText } from "./render-text.js";

export const REPORT_USAGE = `Options for report:
  --store <spec>   sqlite:./inferlog.db (default) or clickhouse://127.0.0.1:8123/inferlog
  --window <w>     hour, day or week (default week)
  --k <n>          hit@1..k and NDCG@k (default 3)
  --model <name>   one model only
  --from, --to     RFC 3339 times bounding the predictions
  --now <time>     when label coverage is judged (default: now)
  --reference-from, --reference-to   drift reference window (default: each model's first window)
  --drift-from <time>  drift rows from the window holding this time (against the same references)
  --sections <list>  only these sections, comma-separated: orphans, calibration, drift, feedback, items,
                   business, challengers, recommendations (default: all; quality and versions always)
  --json           print the JSON report instead of tables
  --html <file>    also write the HTML report to this file
`;

const camel = (text: string) => text.replace(/-([a-z])/g, (_, char: string) => char.toUpperCase());
const kebab = (text: string) => text.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`);
/** Option names in messages become the flags the user typed (`referenceFrom` → --reference-from). */
const flagNames = (message: string) =>
  message.replace(/`([a-zA-Z]+)`/g, (whole, name: string) =>
    REPORT_PARAMS.includes(name) ? `--${kebab(name)}` : whole,
  );

/** `inferlog-collector report`: computes the report in the store and prints it. */
export async function reportCommand(argv: string[], out: (text: string) => void): Promise<void> {
  const options: Record<string, { type: "string" | "boolean"; default?: string }> = {
    store: { type: "string", default: "sqlite:./inferlog.db" },
    json: { type: "boolean" },
    html: { type: "string" },
  };
  for (const path of REPORT_PARAMS) options[kebab(path)] = { type: "string" };
  const { values } = parseArgs({ args: argv, options, strict: true });
  const params: [string, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    if (key === "store" || key === "json" || key === "html" || typeof value !== "string") continue;
    params.push([camel(key), value]);
  }
  let reportOptions: ReturnType<typeof parseReportParams>;
  try {
    reportOptions = parseReportParams(params);
  } catch (error) {
    // Name the flag the user typed, not the option's internal name.
    throw new Error(flagNames((error as Error).message));
  }
  const spec = String(values.store);
  const file = sqliteFileOf(spec);
  // Opening a SQLite file creates it: a mistyped path would print an empty report instead of an error.
  if (file !== undefined && file !== ":memory:" && !existsSync(file))
    throw new Error(
      `No store at ${file} (--store ${spec}): that file does not exist. Pass the path the collector writes to (its --store), for example \`inferlog-collector report --store sqlite:./inferlog.db\``,
    );
  const store = await openStore(spec);
  try {
    const report = await computeReport(store, reportOptions).catch((error: Error) => {
      throw new Error(flagNames(error.message));
    });
    out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
    if (typeof values.html === "string") {
      const path = resolve(values.html);
      writeFileSync(path, renderReportHtml(report));
      out(`HTML report: ${path}\n`);
    }
  } finally {
    await store.close();
  }
}
