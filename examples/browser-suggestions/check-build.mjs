// Proof the example builds: one JS asset, our SDK inside, nothing Node-only, and its gzip size.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const assets = readdirSync("dist/assets").filter((f) => f.endsWith(".js"));
if (assets.length !== 1) throw new Error(`expected one JS asset, got ${assets.join(", ")}`);
const js = readFileSync(`dist/assets/${assets[0]}`, "utf8");
// Module specifiers only: React's own code has an object key called `node:`.
for (const bad of [/["']undici["']/, /["']node:[a-z_/]+["']/]) {
  if (bad.test(js)) throw new Error(`bundle contains ${bad}`);
}
if (!js.includes("reply-suggestions")) throw new Error("bundle does not contain the <Exposure> surface");
if (!js.includes("cloudevents-batch+json")) throw new Error("bundle does not contain the inferlog client");
// A production build leaves the wire contract to the collector (docs/browser.md): no in-page validator.
if (js.includes("is a reserved key")) throw new Error("the production bundle contains the in-page validator");
if (!readFileSync("dist/index.html", "utf8").includes(assets[0]))
  throw new Error("index.html does not load the bundle");
console.log(`example built: ${assets[0]}, ${gzipSync(js, { level: 9 }).length} B gzip`);
