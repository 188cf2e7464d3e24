/**
 * A simulated support-ticket router: it ranks queues for a ticket. How often it is right depends
 * on the model's age, on whether the ticket looks like its training data, and on the version.
 */
export const QUEUES = ["billing", "technical", "account", "shipping", "returns"] as const;
export type Queue = (typeof QUEUES)[number];

export interface Ticket {
  id: number;
  features: { words: number; hasOrderId: boolean; plan: string; channel: string; sentiment: number };
  trueQueue: Queue;
  /** Written after the product launch of week 4: longer tickets about a product v1 never saw. */
  shifted: boolean;
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

/** A ticket; `shiftShare` of them (from week 4) are the new, longer kind. */
export function makeTicket(id: number, r: () => number, shiftShare = 0): Ticket {
  const trueQueue = QUEUES[Math.floor(r() * QUEUES.length)] as Queue;
  const shifted = r() < shiftShare;
  return {
    id,
    trueQueue,
    shifted,
    features: {
      words: shifted ? 250 + Math.floor(r() * 400) : 20 + Math.floor(r() * 300),
      hasOrderId: trueQueue === "shipping" || trueQueue === "returns" ? r() < 0.9 : r() < 0.2,
      plan: r() < 0.3 ? "pro" : "free",
      channel: r() < 0.6 ? "email" : "chat",
      sentiment: Math.round((r() * 2 - 1) * 100) / 100,
    },
  };
}

/**
 * Top-3 queues with scores; right at top-1 about `accuracy` of the time, in the top 3 more often. The top
 * score is `topScore`: the accuracy itself for a calibrated model, something else for one that is not.
 */
export function predict(
  t: Ticket,
  accuracy: number,
  r: () => number,
  topScore: number,
): { id: Queue; score: number }[] {
  const others = QUEUES.filter((q) => q !== t.trueQueue).sort(() => r() - 0.5);
  const roll = r();
  const order =
    roll < accuracy
      ? [t.trueQueue, ...others]
      : roll < accuracy + (1 - accuracy) * 0.6
        ? [others[0] as Queue, t.trueQueue, ...others.slice(1)]
        : roll < accuracy + (1 - accuracy) * 0.8
          ? [...others.slice(0, 2), t.trueQueue, ...others.slice(2)]
          : [...others];
  const top = topScore;
  const scores = [top, (1 - top) * 0.7, (1 - top) * 0.2];
  return order.slice(0, 3).map((id, i) => ({ id, score: Math.round((scores[i] as number) * 1000) / 1000 }));
}
