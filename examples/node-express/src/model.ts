/** A stand-in model: routes a ticket by keywords, with scores that sum to 1. */
export function route(text: string): { id: string; score: number }[] {
  const t = text.toLowerCase();
  const raw = {
    billing: /invoice|refund|charge/.test(t) ? 3 : 1,
    tech: /error|crash|bug/.test(t) ? 3 : 1,
    sales: /price|plan|upgrade/.test(t) ? 3 : 1,
  };
  const sum = raw.billing + raw.tech + raw.sales;
  return Object.entries(raw)
    .map(([id, v]) => ({ id, score: v / sum }))
    .sort((a, b) => b.score - a.score);
}
