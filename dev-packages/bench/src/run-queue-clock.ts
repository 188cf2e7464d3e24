/**
 * How long the calling thread was ready to run but had no CPU (other processes, or other threads of
 * this one, held every core), from Linux `/proc/thread-self/schedstat`: the kernel adds each wait when
 * the thread gets a CPU back, so a call's wait is exact. The same file's run time is not a per-call
 * clock: for the thread reading it, it moves only at scheduler events (59 steps in 300 ms of a busy
 * loop here, 0.2-2.5 ms apart), so it is not offered. Read with one `pread` into a reused buffer and
 * parsed in place: a reading allocates nothing.
 */
import { closeSync, openSync, readSync } from "node:fs";

export interface RunQueueClock {
  /** Nanoseconds this thread has waited for a CPU since it started. */
  waitedNs(): number;
  close(): void;
}

/** The calling thread's run-queue clock, or undefined where the kernel offers none (not Linux, no schedstat). */
export function openRunQueueClock(): RunQueueClock | undefined {
  let fd: number;
  try {
    fd = openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(128);
  return {
    waitedNs() {
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      // "<ran ns> <waited ns> <timeslices>\n": the second field.
      let at = buffer.indexOf(32) + 1;
      let waited = 0;
      for (; at > 0 && at < length && buffer[at] !== 32; at++) waited = waited * 10 + ((buffer[at] as number) - 48);
      return waited;
    },
    close: () => closeSync(fd),
  };
}
