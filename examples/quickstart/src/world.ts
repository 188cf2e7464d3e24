import { rng } from "./model.js";

export const DAY_MS = 86_400_000;
export const WEEKS = 8;
/** Monday 2026-09-07 00:00 UTC: the simulation's first day (fixed, so every run reports the same). */
export const START_MS = Date.parse("2026-09-07T00:00:00Z");

export const V1 = {
  name: "ticket-router",
  version: "2026.08",
  trainedAt: new Date(START_MS - 2 * DAY_MS).toISOString(),
};
/** Retrained on data including the new tickets, deployed at the start of week 6. */
export const V2_DEPLOY_MS = START_MS + 5 * 7 * DAY_MS;
export const V2 = {
  name: "ticket-router",
  version: "2026.10",
  trainedAt: new Date(V2_DEPLOY_MS - DAY_MS).toISOString(),
};

/**
 * A challenger: v1's pipeline retrained at the end of week 2 (before the new tickets), scoring every ticket in
 * weeks 3 and 4 beside v1 (`shadow: true`, never shown). Two versions 15 days apart in age on the same days is
 * what tells the model's age from the calendar: the report's "age or calendar time" sections.
 */
export const CHALLENGER = {
  name: "ticket-router",
  version: "2026.09",
  trainedAt: new Date(START_MS + 13 * DAY_MS).toISOString(),
};
export const CHALLENGER_FROM_DAY = 14;
export const CHALLENGER_TO_DAY = 28;

/** Share of tickets of the new kind: none before week 4, then most of them. */
export const shiftShare = (day: number): number => (day < 21 ? 0 : 0.7);

/**
 * Top-1 accuracy of the serving model on a ticket: v1 ages (the world moves away from its training
 * data) and does badly on the new tickets; v2 has seen them and ages more slowly. The challenger is v1's
 * pipeline on later data: the same curve by age, so 0.18 points a day of age apart on the same ticket.
 */
export function accuracy(version: string, modelAgeDays: number, shifted: boolean): number {
  if (version === V2.version) return 0.86 - 0.002 * modelAgeDays - (shifted ? 0.03 : 0);
  return 0.85 - 0.0018 * modelAgeDays - (shifted ? 0.25 : 0);
}

/**
 * Whether the challenger is right on a ticket, given whether the shown model was: with chance `challenger`
 * overall, as often together with the shown model as the two chances allow (a hard ticket is hard for both).
 */
export function challengerRight(shownRight: boolean, shown: number, challenger: number, roll: number): boolean {
  if (shownRight) return roll < Math.min(1, challenger / shown);
  return roll < Math.max(0, (challenger - shown) / (1 - shown));
}

/** Agents (the users who see suggestions): they start over the first three weeks. */
export function agents(count: number): { key: string; startDay: number }[] {
  const r = rng(7);
  return Array.from({ length: count }, (_, i) => ({
    key: `agent-${String(i).padStart(3, "0")}`,
    startDay: i < count / 2 ? 0 : Math.floor(r() * 21),
  }));
}

/** Users learn to ignore suggestions: the chance of ignoring grows with days since they first saw one. */
export const ignoreChance = (exposureAgeDays: number): number => 0.08 + 0.5 * Math.min(1, exposureAgeDays / 42);
