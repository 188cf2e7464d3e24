import { afterAll, beforeAll, beforeEach } from "vitest";
import { type Harness, startHarness } from "./harness.js";

/**
 * One harness per test file: started before its tests, closed after them, with the
 * collector's records and switches reset before each test.
 */
export function useHarness(): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => current?.server.reset());
  const get = (): Harness => {
    if (!current) throw new Error("The browser harness did not start: see the beforeAll error above");
    return current;
  };
  return {
    get server() {
      return get().server;
    },
    get browser() {
      return get().browser;
    },
    open: (...args) => get().open(...args),
    close: () => get().close(),
  };
}
