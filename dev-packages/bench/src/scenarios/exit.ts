/**
 * Exit: each subject logs 1,000 events in a tight loop, awaits its documented shutdown, then
 * the process exits at once (process.exit), as a job or a deploy would. Delivered = distinct
 * events the collector holds over events logged.
 */
import { BATCH, EXIT_EVENTS as N, SUBJECTS, sleep } from "../config.js";
import { emit, type Row } from "../measure.js";
import { startPeerCollector } from "../peer-collector.js";
import { runChild } from "../spawn.js";
import { loadSubject } from "../subjects/index.js";
import { deliveryRows } from "./delivery-rows.js";

const collector = await startPeerCollector();
const rows: Row[] = [];
for (const s of SUBJECTS) {
  const subject = await loadSubject(s);
  collector.reset();
  const child = await runChild("exit", s, { base: collector.base, batchSize: BATCH, events: N }, { timeoutMs: 90_000 });
  await sleep(300);
  const c = collector.counts();
  process.stderr.write(`  exit ${s}: ${JSON.stringify(c)} ${child.error ?? ""}\n`);
  rows.push(...deliveryRows("exit", `${subject.name} (${subject.shutdownCall})`, N, c, child.error));
}
await collector.close();
emit("exit", rows);
