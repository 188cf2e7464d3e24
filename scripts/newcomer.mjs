#!/usr/bin/env node
// A newcomer's first hour, as CI runs it (after `pnpm build`): pack the public packages as npm
// would publish them, install them with npm into a fresh app outside the workspace, start the
// collector from its installed bin, log from an ESM and a CommonJS script, and read the report
// back. Also checks what a published package must carry (LICENSE, the bin) and that a mistake is
// said on stderr from the installed code. Exit 1 on the first thing that is wrong.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The packages users install; each must ship dist and the root's LICENSE. */
const PUBLIC = ["core", "node", "browser", "react", "clickhouse", "collector"];
/** What the round trip installs: the serving SDK and the collector (core comes as their dependency). */
const INSTALLED = ["core", "node", "collector"];

const work = mkdtempSync(join(tmpdir(), "inferlog-newcomer-"));
const tarballs = join(work, "tarballs");
const app = join(work, "app");
mkdirSync(tarballs);
mkdirSync(app);
let collector;

const step = (what) => console.log(`newcomer: ${what}`);
function fail(message) {
  throw new Error(message);
}
const sh = (command, args, cwd, env = {}) =>
  execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });

try {
  const license = readFileSync(join(root, "LICENSE"), "utf8");
  const packed = {};
  for (const name of PUBLIC) {
    const dir = join(root, "packages", name);
    if (!existsSync(join(dir, "dist"))) fail(`packages/${name}/dist is missing: run \`pnpm build\` first`);
    const before = new Set(readdirSync(tarballs));
    sh("pnpm", ["pack", "--pack-destination", tarballs], dir);
    const file = readdirSync(tarballs).find((f) => !before.has(f));
    if (!file) fail(`pnpm pack wrote no tarball for @inferlog/${name}`);
    packed[name] = join(tarballs, file);
    const listing = sh("tar", ["-tzf", packed[name]], work).split("\n");
    for (const needed of ["package/LICENSE", "package/package.json"])
      if (!listing.includes(needed)) fail(`@inferlog/${name}'s tarball has no ${needed}`);
    if (!listing.some((f) => f.startsWith("package/dist/"))) fail(`@inferlog/${name}'s tarball has no dist/`);
    const shipped = sh("tar", ["-xzOf", packed[name], "package/LICENSE"], work);
    if (shipped !== license) fail(`@inferlog/${name}'s LICENSE differs from the root LICENSE`);
  }
  step(`packed ${PUBLIC.length} packages, each with dist/ and the root's LICENSE`);

  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "newcomer-app", private: true }, null, 2)}\n`);
  sh(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", ...INSTALLED.map((n) => packed[n])],
    app,
    // Outside the workspace: no pnpm settings or workspace links leak in.
    { npm_config_workspaces: "false" },
  );
  step("installed @inferlog/node and @inferlog/collector with npm into a fresh app");

  const bin = join(app, "node_modules", ".bin", "inferlog-collector");
  if (!existsSync(bin)) fail("npm did not link the inferlog-collector bin");
  const store = join(work, "inferlog.db");
  collector = spawn(bin, ["serve", "--port", "0", "--store", `sqlite:${store}`], { cwd: app });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the collector did not start: ${out}`)), 30_000);
    const read = (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    collector.stdout.on("data", read);
    collector.stderr.on("data", read);
    collector.on("exit", (code) => reject(new Error(`the collector exited (${code}): ${out}`)));
  });
  const endpoint = `${url.replace(/\/$/, "")}/v1/events`;
  step(`collector from the installed bin on ${url}`);

  const body = (load) => `${load}
const client = createClient({ endpoint: process.env.ENDPOINT, source: "newcomer", model: { name: "churn", version: "1" } });
const { predictionId } = client.logPrediction({ output: { label: "stays", score: 0.8 }, features: { plan: "pro", signup: new Date() } });
client.logFeedback({ predictionId, action: "accepted" });
client.logOutcome({ predictionId, label: "stays" });
const result = await client.shutdown();
if (!result.ok || result.sent !== 3) { console.error("not delivered", JSON.stringify(result)); process.exit(1); }
console.log("sent", result.sent, "featureValues", client.stats().featureValues.total);
`;
  writeFileSync(join(app, "esm.mjs"), body('import { createClient } from "@inferlog/node";'));
  writeFileSync(
    join(app, "cjs.cjs"),
    `(async () => {\n${body('const { createClient } = require("@inferlog/node");')}})();\n`,
  );
  for (const script of ["esm.mjs", "cjs.cjs"]) {
    const out = sh(process.execPath, [script], app, { ENDPOINT: endpoint });
    if (!out.includes("sent 3 featureValues 1")) fail(`${script} printed ${out}`);
  }
  step("logged a prediction, its feedback and its outcome from ESM and from CommonJS");

  // A mistake with default options is said on stderr by the installed code.
  writeFileSync(
    join(app, "wrong-path.mjs"),
    `import { createClient } from "@inferlog/node";
const client = createClient({ endpoint: process.env.ENDPOINT, source: "newcomer", model: { name: "churn", version: "1" } });
client.logPrediction({ output: { label: "stays" } });
`,
  );
  const mistake = spawn(process.execPath, ["wrong-path.mjs"], {
    cwd: app,
    env: { ...process.env, ENDPOINT: endpoint.replace("/v1/events", "/events") },
  });
  let stderr = "";
  mistake.stderr.on("data", (d) => {
    stderr += d;
  });
  await new Promise((resolve) => mistake.on("exit", resolve));
  if (!stderr.includes("HTTP 404") || !stderr.includes("(wrong path? The collector takes events at /v1/events)"))
    fail(`a wrong path said nothing useful on stderr: ${stderr}`);
  step("a wrong endpoint path is said on stderr: HTTP 404 (wrong path? …)");

  const report = JSON.parse(sh(bin, ["report", "--store", `sqlite:${store}`, "--json"], app));
  const volume = report.quality.reduce((n, q) => n + q.volume, 0);
  if (volume !== 2) fail(`the report counts ${volume} predictions, expected 2: ${JSON.stringify(report.quality)}`);
  step("the report reads both predictions back");

  let refused = "";
  try {
    sh(bin, ["report", "--store", `sqlite:${join(work, "typo.db")}`], app);
  } catch (e) {
    refused = String(e.stderr);
  }
  if (!refused.includes(`No store at ${join(work, "typo.db")}`)) fail(`report on a missing store said: ${refused}`);
  step("report on a missing store is an error naming the path");
  console.log("newcomer: ok");
} catch (e) {
  console.error(`newcomer: FAILED: ${e instanceof Error ? e.message : String(e)}`);
  if (e?.stderr) console.error(String(e.stderr));
  process.exitCode = 1;
} finally {
  if (collector && collector.exitCode === null) {
    collector.kill("SIGTERM");
    await new Promise((resolve) => collector.on("exit", resolve));
  }
  rmSync(work, { recursive: true, force: true });
}
