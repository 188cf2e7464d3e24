import { runDemo } from "./run-demo.js";

const result = await runDemo({ log: (line) => console.log(line) });
console.log("\nlogged by the serving loop:");
console.table(result.logged);
console.log("rows the collector stored (SQLite):");
console.table(result.stored);
console.log("label coverage:", JSON.stringify(result.labelCoverage));
console.log("client.stats():", JSON.stringify(result.stats, null, 2));
const expected = Object.values(result.logged).reduce((a, b) => a + b, 0);
if (result.stats.sent !== expected || result.stats.dropped.total !== 0) {
  console.error(
    `\nexpected ${expected} events delivered, got ${result.stats.sent} (dropped ${result.stats.dropped.total})`,
  );
  process.exit(1);
}
