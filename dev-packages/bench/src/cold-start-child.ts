/**
 * One cold start of one subject: `cold-start-child.ts <subject> <collector base>`, in a fresh process that has
 * loaded nothing of any SDK. From before the SDK's first import to the moment its first event is delivered
 * (the flush resolved): import, client creation, one 10-feature prediction, one request. Prints
 * `{"cpuMs":…,"wallMs":…}`. The only module loaded first is ./subjects/index.ts (node:fs and node:module).
 */
import { prediction } from "./prediction.js";
import { loadSubject, type SubjectName } from "./subjects/index.js";

const [name, base] = process.argv.slice(2) as [SubjectName, string];
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const subject = await loadSubject(name);
const sdk = await subject.create({ base, batchSize: 100 });
sdk.log(prediction(0));
await sdk.flush();
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - wall0;
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs })}\n`);
process.exit(0);
