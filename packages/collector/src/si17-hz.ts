import { PerformanceObserver } from "node:perf_hooks";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { createCollector } from "./collector.js";
import { ingestEvents } from "../../../dev-packages/bench/src/ingest-events.js";
const c = await createCollector({ store: `sqlite:/tmp/si17/hz-${process.pid}.db` });
const { url } = await c.listen({ port: 0, host: "127.0.0.1" });
const gcs: number[] = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push(Math.round(e.duration)); }).observe({ entryTypes: ["gc"] });
const post = (body: Buffer) => new Promise<string>((res, rej) => { const r = request(`${url}/v1/events`, { method: "POST", headers: { "content-type": "application/cloudevents-batch+json", "content-encoding": "gzip" } }, (s) => { let t = ""; s.on("data", (d) => (t += d)); s.on("end", () => res(t)); }); r.on("error", rej); r.end(body); });
await post(gzipSync(JSON.stringify(ingestEvents(2000))));
for (let round = 0; round < 3; round++) {
  const body = gzipSync(JSON.stringify(ingestEvents(10_000)));
  gcs.length = 0;
  const gaps: number[] = []; let last = performance.now();
  const tick = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 2);
  const t0 = performance.now();
  const reply = await post(body);
  clearInterval(tick);
  console.log(`round ${round}: ${(performance.now() - t0).toFixed(0)} ms ${reply.slice(0, 40)} worst gaps ${gaps.sort((a, b) => b - a).slice(0, 5).map(Math.round)} gc pauses(top) ${gcs.sort((a, b) => b - a).slice(0, 5)}`);
}
await c.close();
