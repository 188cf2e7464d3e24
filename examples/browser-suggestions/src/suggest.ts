/** A stand-in for a reply-suggestion model: ranked canned replies for a ticket. */
export interface Suggestion {
  id: string;
  text: string;
  score: number;
}

const REPLIES: Suggestion[] = [
  { id: "refund", text: "I've started a refund; you'll see it in 3–5 business days.", score: 0 },
  { id: "reset", text: "You can reset your password from Settings → Security.", score: 0 },
  { id: "escalate", text: "I've passed this to our specialists; they'll reply within a day.", score: 0 },
  { id: "thanks", text: "Thanks for reaching out! Could you share a screenshot?", score: 0 },
];

export const TICKETS = [
  "I was charged twice for my subscription this month.",
  "I can't log in, it says my password is wrong.",
  "The export button does nothing on large projects.",
];

export function suggest(ticket: string): Suggestion[] {
  const words = ticket.toLowerCase();
  const scored = REPLIES.map((r) => ({
    ...r,
    score:
      (words.includes("charged") && r.id === "refund" ? 0.8 : 0) +
      (words.includes("password") && r.id === "reset" ? 0.8 : 0) +
      (r.id === "escalate" ? 0.3 : 0.1),
  }));
  return scored.sort((a, b) => b.score - a.score).slice(0, 3);
}
