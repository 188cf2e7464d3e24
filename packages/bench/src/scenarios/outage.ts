/**
 * Outage: the collector answers 503 from the start for 5 s, then recovers. Each subject logs
 * 1,000 events over ~2 s during the outage, waits 2 s after recovery, then calls its documented
 * shutdown. Delivered = distinct events the collector accepted over events logged; duplicates
 * are counted as seen on the wire and as what stays after deduplicating on the SDK's event id.
 */
import { BATCH, OUTAGE_EVENTS as N, OUTAGE_MS, SUBJECTS, sleep } from "../config.js";
import { emit, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";
import { deliveryRows } from "./delivery-rows.js";

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const s of SUBJECTS) {
  const name = (await loadSubject(s)).name;
  collector.reset();
  await collector.setMode("503");
  let recovered: Promise<void> | undefined;
  const child = await runChild(
    "outage",
    s,
    { base: collector.base, batchSize: BATCH, events: N },
    {
      timeoutMs: 90_000,
      onStart: (send) => {
        recovered = sleep(OUTAGE_MS).then(async () => {
          await collector.setMode("ok");
          send({ type: "recovered" });
        });
      },
    },
  );
  await recovered;
  await sleep(500);
  const c = collector.counts();
  process.stderr.write(`  outage ${s}: ${JSON.stringify(c)} ${child.error ?? ""}\n`);
  const said = (child.result as { shutdown?: unknown } | undefined)?.shutdown;
  rows.push(
    ...deliveryRows(
      "outage",
      name,
      N,
      c,
      child.error,
      said ? `shutdown() returned ${JSON.stringify(said)}` : undefined,
    ),
  );
}
await collector.close();
emit("outage", rows);
