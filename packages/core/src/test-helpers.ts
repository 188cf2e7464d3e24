import { createClient } from "./client.js";
import type { ClientOptions } from "./options.js";
import { FakeClock } from "./testing/fake-clock.js";
import { MemoryTransport } from "./testing/memory-transport.js";

export const MODEL = { name: "ticket-router", version: "v3", trainedAt: "2026-11-01T00:00:00Z" };

export const predictionInput = (index = 0) => ({
  features: Object.fromEntries(
    Array.from({ length: 10 }, (_, key) => [`f${key}`, key % 3 === 0 ? `v${index}` : key * index]),
  ),
  output: {
    label: "billing",
    score: 0.91,
    candidates: [
      { id: "billing", score: 0.91 },
      { id: "tech", score: 0.06 },
      { id: "sales", score: 0.03 },
    ],
  },
});

/** A client on a fake clock and an in-memory transport, with sizes that keep tests short. */
export function setup(overrides: Partial<ClientOptions> = {}) {
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const transport = new MemoryTransport();
  const errors: Error[] = [];
  const client = createClient({
    transport,
    source: "test-app",
    model: MODEL,
    random: () => 0.5,
    onError: (error) => errors.push(error),
    logger: { warn: () => {} },
    ...overrides,
    clock,
  });
  return { client, clock, transport, errors };
}
