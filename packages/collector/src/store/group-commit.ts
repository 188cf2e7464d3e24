import { intOption } from "@inferlog/core";
import type { IncomingEvent, InsertResult } from "./types.js";

/**
 * Group commit: the batches of concurrent requests are written together, one insert per table,
 * so ClickHouse gets few large parts and SQLite one fsync per group, whatever the SDKs' batch size.
 */
export interface GroupCommitOptions {
  /** How long the oldest waiting batch may wait for others before its group is written (ms; 0: write at once). */
  maxDelayMs?: number;
  /** A group is written as soon as it holds this many events; a group never takes a batch that would pass it (a larger batch is written alone). */
  maxEvents?: number;
  /** Groups being written at once: the next group is built while the store still takes the last one. */
  writesInFlight?: number;
  /**
   * After a write, how long (ms) the next group may wait for the clients that write just answered: each
   * such client usually sends its next batch at once, and with them the group holds all the batches in
   * flight instead of half of them (two halves of the clients alternating). The group goes earlier once as
   * many events as were answered have come back, or at `maxEvents`. 0: no such wait.
   */
  regroupMs?: number;
}

/** Settings as `createGroupCommitter` takes them: `regroupMs` may be left out (0). */
export type GroupCommitSettings = Required<Omit<GroupCommitOptions, "regroupMs">> &
  Pick<GroupCommitOptions, "regroupMs">;

/** Writes one group; for each event in order, true when this occurrence was stored for the first time. */
export type WriteGroup = (events: readonly IncomingEvent[]) => Promise<boolean[]>;

export interface GroupCommitter {
  /** Resolves once the group holding this batch is durable; rejects (for this batch) when its write failed. */
  insert(events: readonly IncomingEvent[]): Promise<InsertResult>;
  /** Resolves when nothing is waiting or being written. */
  drain(): Promise<void>;
}

interface Waiting {
  events: readonly IncomingEvent[];
  since: number;
  resolve: (result: InsertResult) => void;
  reject: (error: unknown) => void;
}

/** Resolved group-commit settings, checked once (the stores share the checks, each with its own defaults). */
export function groupCommitSettings(
  given: GroupCommitOptions | undefined,
  defaults: GroupCommitSettings,
): Required<GroupCommitOptions> {
  return {
    maxDelayMs: intOption("groupCommit.maxDelayMs", given?.maxDelayMs, defaults.maxDelayMs, 0, 60_000),
    maxEvents: intOption("groupCommit.maxEvents", given?.maxEvents, defaults.maxEvents, 1),
    writesInFlight: intOption("groupCommit.writesInFlight", given?.writesInFlight, defaults.writesInFlight, 1, 64),
    regroupMs: intOption("groupCommit.regroupMs", given?.regroupMs, defaults.regroupMs ?? 0, 0, 60_000),
  };
}

/**
 * Up to `writesInFlight` writes at a time: while they run the next group fills, and it is written
 * when its oldest batch has waited `maxDelayMs` or it holds `maxEvents`. Each batch is acknowledged
 * with its own counts. When a group of several batches fails, each batch is written again alone,
 * so one batch the store refuses cannot fail the others that happened to share its group.
 */
export function createGroupCommitter(write: WriteGroup, settings: GroupCommitSettings): GroupCommitter {
  const waiting: Waiting[] = [];
  let waitingEvents = 0;
  let writing = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle: (() => void)[] = [];
  const regroupMs = settings.regroupMs ?? 0;
  /** Until when (ms) the next group waits for answered clients to come back, and for how many events in all. */
  let regroupUntil = Number.NEGATIVE_INFINITY;
  let regroupEvents = 0;

  const schedule = () => {
    if (writing >= settings.writesInFlight || waiting.length === 0) return;
    const first = waiting[0] as Waiting;
    const now = Date.now();
    let due = first.since + settings.maxDelayMs - now;
    if (now < regroupUntil && waitingEvents < regroupEvents) due = Math.max(due, regroupUntil - now);
    if (waitingEvents >= settings.maxEvents || due <= 0) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      writing++;
      // writeNext settles every batch itself and never rejects; should it ever, the committer must still go on.
      void writeNext()
        .catch(() => 0)
        .then((answered) => {
          writing--;
          if (regroupMs > 0) {
            regroupUntil = Date.now() + regroupMs;
            regroupEvents = waitingEvents + answered;
          }
          schedule();
          if (writing === 0 && waiting.length === 0) for (const done of idle.splice(0)) done();
        });
      // A second group may already be due (maxEvents) while writes are still allowed.
      schedule();
      return;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      schedule();
    }, due);
  };

  const take = (): Waiting[] => {
    const group: Waiting[] = [];
    let events = 0;
    while (waiting.length > 0) {
      const next = waiting[0] as Waiting;
      if (group.length > 0 && events + next.events.length > settings.maxEvents) break;
      group.push(waiting.shift() as Waiting);
      events += next.events.length;
    }
    waitingEvents -= events;
    return group;
  };

  const settle = (group: readonly Waiting[], fresh: readonly boolean[]) => {
    let at = 0;
    for (const member of group) {
      let inserted = 0;
      for (let index = 0; index < member.events.length; index++) if (fresh[at + index]) inserted++;
      at += member.events.length;
      member.resolve({ inserted, duplicates: member.events.length - inserted });
    }
  };

  /** Writes the next group; resolves (never rejects) with the events it answered, once all are answered. */
  async function writeNext(): Promise<number> {
    const group = take();
    const events = group.length === 1 ? (group[0] as Waiting).events : group.flatMap((member) => member.events);
    try {
      settle(group, await write(events));
    } catch (error) {
      if (group.length === 1) {
        (group[0] as Waiting).reject(error);
        return events.length;
      }
      for (const member of group) {
        try {
          settle([member], await write(member.events));
        } catch (alone) {
          member.reject(alone);
        }
      }
    }
    return events.length;
  }

  return {
    insert(events) {
      if (events.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
      return new Promise<InsertResult>((resolve, reject) => {
        waiting.push({ events, since: Date.now(), resolve, reject });
        waitingEvents += events.length;
        schedule();
      });
    },
    drain() {
      if (writing === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
