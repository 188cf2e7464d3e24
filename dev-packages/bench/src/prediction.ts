/**
 * The prediction-shaped event every subject logs: 10 features and a top-3 output.
 * Feature `f0` carries the sequence number, so the collector can count distinct
 * events for every peer, including those whose payload has no event id (OTLP).
 */
export const features = (i: number) => ({
  f0: i,
  f1: i * 0.5,
  f2: "segment-a",
  f3: true,
  f4: null,
  f5: 3.25,
  f6: i % 7,
  f7: "eu-west",
  f8: 0.125,
  f9: 12,
});

export const output = {
  label: "billing",
  score: 0.91,
  candidates: [
    { id: "billing", score: 0.91 },
    { id: "tech", score: 0.06 },
    { id: "sales", score: 0.03 },
  ],
};

export const prediction = (i: number) => ({ features: features(i), output });
