import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prediction } from "../../test/test-support.js";
import type { WriteGroup } from "./group-commit.js";
import { INLINE_WRITES_WARNING, startWriteWorker } from "./sqlite-write-client.js";
import type { IncomingEvent } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "inferlog-write-client-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { path: join(dir, "unused.db"), synchronous: "FULL" } as const;
const incoming = (count: number): IncomingEvent[] =>
  Array.from({ length: count }, () => ({ event: prediction() as never, receivedMs: 0 }));

/** The main connection's writer as the store hands it over: here, one that records what it was given. */
function recordingInline(): { inline: WriteGroup; groups: number[] } {
  const groups: number[] = [];
  return {
    groups,
    inline: async (events) => {
      groups.push(events.length);
      return events.map(() => true);
    },
  };
}

describe("the SQLite write worker's client", () => {
  it("writes on the main connection where the worker's module does not load", async () => {
    const { inline, groups } = recordingInline();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const writer = startWriteWorker(options, inline, { file: join(dir, "no-such-worker.mjs"), execArgv: [] });
    expect(await writer.write(incoming(3))).toEqual([true, true, true]);
    expect(await writer.write(incoming(2))).toEqual([true, true]);
    expect(groups).toEqual([3, 2]);
    await writer.close();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    process.off("warning", onWarning);
    // Said once, with its code, not silent.
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([INLINE_WRITES_WARNING]);
  });

  it("fails the group a dying worker held, and starts a new worker for the next group", async () => {
    // The first worker dies on its first group (and leaves a mark); the next one answers every event as new.
    const mark = join(dir, "died-once");
    const entry = join(dir, "dies-once.mjs");
    writeFileSync(
      entry,
      `import { existsSync, writeFileSync } from "node:fs";
       import { parentPort } from "node:worker_threads";
       parentPort.postMessage({ started: true });
       parentPort.postMessage({ ready: true });
       let size = 0;
       parentPort.on("message", (request) => {
         if (request.kind === "write") {
           if (!existsSync(${JSON.stringify(mark)})) {
             writeFileSync(${JSON.stringify(mark)}, "");
             process.exit(3);
           }
           const fresh = new Uint8Array(request.group.receivedMs.length).fill(1);
           parentPort.postMessage({ id: request.id, fresh });
         }
         if (request.kind === "close") {
           parentPort.postMessage({ closed: true });
           parentPort.close();
         }
       });`,
    );
    const { inline, groups } = recordingInline();
    const writer = startWriteWorker(options, inline, { file: entry, execArgv: [] });
    await expect(writer.write(incoming(2))).rejects.toThrow("The SQLite write worker exited (code 3)");
    expect(await writer.write(incoming(4))).toEqual([true, true, true, true]);
    expect(groups).toEqual([]);
    await writer.close();
  });
});
