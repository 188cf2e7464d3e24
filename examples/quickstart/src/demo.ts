import { renderReportText } from "@inferlog/collector";
import { alertLines } from "./monitors.js";
import { runDemo } from "./run-demo.js";

const started = Date.now();
const result = await runDemo({ write: (s) => process.stdout.write(s), tty: process.stdout.isTTY === true });
process.stdout.write(`\nMonitors, evaluated at the end of each week:\n${alertLines(result.alerts)}\n`);
process.stdout.write(`\n${renderReportText(result.report)}\n`);
const expected = Object.values(result.logged).reduce((a, b) => a + b, 0);
console.log(
  `logged ${expected} events (${result.logged.predictions} tickets), delivered ${result.stats.sent}, dropped ${result.stats.dropped.total}, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`HTML report: ${result.htmlPath}`);
console.log(`Re-open this report: ${result.reopen}`);
console.log(`The store stays in ${result.dir} until you remove it (rm -r ${result.dir}).`);
if (result.stats.sent !== expected || result.stats.dropped.total !== 0) {
  console.error(
    `expected ${expected} events delivered, got ${result.stats.sent} (dropped ${result.stats.dropped.total})`,
  );
  process.exit(1);
}
