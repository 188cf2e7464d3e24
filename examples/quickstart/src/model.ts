/**
 * A simulated support-ticket router: it ranks queues for a ticket. Its accuracy decays
 * with the age of the model (drift), so the demo's numbers move the way production ones do.
 */
export const QUEUES = ["billing", "technical", "account", "shipping", "returns"] as const;
export type Queue = (typeof QUEUES)[number];

export interface Ticket {
  id: number;
  features: { words: number; hasOrderId: boolean; plan: string; channel: string; sentiment: number };
  trueQueue: Queue;
}

/** A small deterministic PRNG, so every run of the demo tells the same story. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeTicket(id: number, r: () => number): Ticket {
  const trueQueue = QUEUES[Math.floor(r() * QUEUES.length)] as Queue;
  return {
    id,
    trueQueue,
    features: {
      words: 20 + Math.floor(r() * 300),
      hasOrderId: trueQueue === "shipping" || trueQueue === "returns" ? r() < 0.9 : r() < 0.2,
      plan: r() < 0.3 ? "pro" : "free",
      channel: r() < 0.6 ? "email" : "chat",
      sentiment: Math.round((r() * 2 - 1) * 100) / 100,
    },
  };
}

/** Top-3 queues with scores; right at top-1 about `accuracy` of the time, in the top 3 more often. */
export function predict(t: Ticket, accuracy: number, r: () => number): { id: Queue; score: number }[] {
  const others = QUEUES.filter((q) => q !== t.trueQueue).sort(() => r() - 0.5);
  const roll = r();
  const order =
    roll < accuracy
      ? [t.trueQueue, ...others]
      : roll < accuracy + (1 - accuracy) * 0.6
        ? [others[0] as Queue, t.trueQueue, ...others.slice(1)]
        : [...others.slice(0, 2), t.trueQueue, ...others.slice(2)];
  const scores = [0.7, 0.2, 0.07];
  return order.slice(0, 3).map((id, i) => ({ id, score: scores[i] as number }));
}
