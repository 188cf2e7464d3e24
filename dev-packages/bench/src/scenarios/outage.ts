/**
 * Outage beyond the memory bound: the collector fails from the start for OUTAGE_MS (connection
 * resets, a JSON 503, or a 503 with an HTML body as a load balancer sends it) while each subject
 * logs OUTAGE_EVENTS events over OUTAGE_SPAN_MS with its default queue. After recovery the app
 * keeps running until the collector holds every event (or OUTAGE_PATIENCE_MS passed), then calls
 * its documented shutdown. Delivered = distinct events the collector holds over events logged;
 * "recovery" is the time from the collector's recovery to the first new event it receives, and
 * "longest gap" the longest stretch without a new event between recovery and the last one.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BATCH,
  OUTAGE_EVENTS as N,
  OUTAGE_MS,
  OUTAGE_PATIENCE_MS,
  OUTAGE_SPAN_MS,
  SUBJECTS,
  sleep,
} from "../config.js";
import { emit, type Row } from "../measure.js";
import { type CollectorMode, startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject, SPOOL_SUBJECT, type SubjectName } from "../subjects/index.js";
import { deliveryRows } from "./delivery-rows.js";

const failures: { mode: CollectorMode; label: string }[] = [
  { mode: "reset", label: "outage (connection resets)" },
  { mode: "503", label: "outage (503)" },
  { mode: "503html", label: "outage (503, HTML body)" },
];
const subjects: SubjectName[] = [...SUBJECTS, SPOOL_SUBJECT];

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const { mode, label } of failures) {
  for (const s of subjects) {
    const name = (await loadSubject(s)).name;
    const spoolDir = s === SPOOL_SUBJECT ? mkdtempSync(join(tmpdir(), "bench-spool-")) : undefined;
    collector.reset();
    await collector.setMode(mode);
    let recoveredAt = Number.NaN;
    let settled: Promise<void> | undefined;
    const child = await runChild(
      "outage",
      s,
      {
        base: collector.base,
        batchSize: BATCH,
        events: N,
        durationMs: OUTAGE_SPAN_MS,
        ...(spoolDir ? { spoolDir } : {}),
      },
      {
        timeoutMs: OUTAGE_MS + OUTAGE_PATIENCE_MS + 60_000,
        onStart: (send) => {
          settled = sleep(OUTAGE_MS).then(async () => {
            await collector.setMode("ok");
            recoveredAt = performance.now();
            await Promise.race([collector.waitFor(N), sleep(OUTAGE_PATIENCE_MS)]);
            send({ type: "done" });
          });
        },
      },
    );
    await settled;
    await sleep(500);
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
    const c = collector.counts();
    const first = collector.firstDeliveryAfter(recoveredAt);
    const gap = collector.longestGapAfter(recoveredAt);
    process.stderr.write(`  ${label} ${s}: ${JSON.stringify(c)} ${child.error ?? ""}\n`);
    const said = (child.result as { shutdown?: unknown } | undefined)?.shutdown;
    rows.push(
      ...deliveryRows(label, name, N, c, child.error, said ? `shutdown() returned ${JSON.stringify(said)}` : undefined),
      {
        metric: `${label}: first delivery after recovery`,
        subject: name,
        value: first === undefined ? null : first - recoveredAt,
        unit: "ms",
        better: "lower",
        ...(first === undefined ? { note: "nothing arrived after recovery" } : {}),
      },
      {
        metric: `${label}: longest delivery gap after recovery`,
        subject: name,
        value: first === undefined ? null : gap,
        unit: "ms",
        better: "lower",
      },
    );
  }
}
await collector.close();
emit("outage", rows);
