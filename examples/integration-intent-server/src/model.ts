/** A multinomial naive Bayes intent model: small enough to train in a test, real enough to be wrong. */
export interface IntentModel {
  readonly name: string;
  readonly version: string;
  readonly labels: readonly string[];
  /** Probability of each label for a text, highest first. */
  predict(text: string): { label: string; probabilities: Record<string, number> };
}

export const tokenize = (text: string): string[] => text.toLowerCase().match(/[a-z]+/g) ?? [];

export function trainIntentModel(
  examples: readonly { text: string; label: string }[],
  meta: { name: string; version: string },
): IntentModel {
  if (examples.length === 0) throw new Error("Expected at least one training example, got none");
  const counts = new Map<string, Map<string, number>>();
  const docs = new Map<string, number>();
  const vocab = new Set<string>();
  for (const { text, label } of examples) {
    docs.set(label, (docs.get(label) ?? 0) + 1);
    const c = counts.get(label) ?? new Map<string, number>();
    counts.set(label, c);
    for (const t of tokenize(text)) {
      vocab.add(t);
      c.set(t, (c.get(t) ?? 0) + 1);
    }
  }
  const labels = [...docs.keys()].sort();
  const totals = new Map(labels.map((l) => [l, [...counts.get(l)!.values()].reduce((a, b) => a + b, 0)]));
  return {
    ...meta,
    labels,
    predict(text) {
      const tokens = tokenize(text);
      const logp = labels.map((l) => {
        let s = Math.log(docs.get(l)! / examples.length);
        // Laplace smoothing keeps unseen words from zeroing a label.
        for (const t of tokens) s += Math.log(((counts.get(l)!.get(t) ?? 0) + 1) / (totals.get(l)! + vocab.size));
        return s;
      });
      const max = Math.max(...logp);
      const exp = logp.map((s) => Math.exp(s - max));
      const z = exp.reduce((a, b) => a + b, 0);
      const probabilities = Object.fromEntries(labels.map((l, i) => [l, exp[i]! / z]));
      const best = labels[logp.indexOf(max)]!;
      return { label: best, probabilities };
    },
  };
}
