/**
 * The calling thread's own clocks, from Linux `/proc/thread-self/schedstat`: nanoseconds it ran on
 * a CPU, and nanoseconds it was ready to run but waited for one (other processes, or other threads
 * of this one, held every core). Unlike `process.cpuUsage`, which sums every thread of the process
 * (V8's compiler and GC helper threads work beside the caller without blocking it), this is the
 * caller's thread only; and the wait says how much of a call's wall time the machine's load added.
 * Read with one `pread` into a reused buffer and parsed in place: a reading allocates nothing.
 */
import { closeSync, openSync, readSync } from "node:fs";

export interface ThreadClock {
  /** Reads the clocks; then `ranNs` and `waitedNs` hold them. */
  read(): void;
  ranNs: number;
  waitedNs: number;
  close(): void;
}

/** The calling thread's clock, or undefined where the kernel offers none (not Linux, no schedstat). */
export function openThreadClock(): ThreadClock | undefined {
  let fd: number;
  try {
    fd = openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(128);
  const clock: ThreadClock = {
    ranNs: 0,
    waitedNs: 0,
    read() {
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      // "<ran ns> <waited ns> <timeslices>\n"
      let at = 0;
      let ran = 0;
      for (; at < length && buffer[at] !== 32; at++) ran = ran * 10 + ((buffer[at] as number) - 48);
      let waited = 0;
      for (at++; at < length && buffer[at] !== 32; at++) waited = waited * 10 + ((buffer[at] as number) - 48);
      clock.ranNs = ran;
      clock.waitedNs = waited;
    },
    close: () => closeSync(fd),
  };
  clock.read();
  return clock;
}
