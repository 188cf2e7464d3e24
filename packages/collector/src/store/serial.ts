/** Runs tasks one after another, each only after the previous one settled (a promise-chain mutex). */
export type Serial = <T>(task: () => T | Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
