import type { Client, ExposureInput, FeedbackInput } from "@inferlog/core";
import { isInferlogError } from "@inferlog/core/lite";

export type ExposureState = "open" | "accepted" | "edited" | "rejected" | "dismissed" | "ignored";

/** What the user did with the suggestions. The first outcome wins; later calls return false. */
export interface ExposureHandle {
  /** The user took a candidate (default: the first shown). */
  accept(candidateId?: string): boolean;
  /** The user took a candidate and changed it; allowed once after `accept`. */
  edit(candidateId?: string): boolean;
  /** The user turned a candidate (or the whole list) down. */
  reject(candidateId?: string): boolean;
  /** The user closed the suggestions. */
  dismiss(): boolean;
  /** The suggestions left the screen: emits `ignored` (kind `derived`) if nothing happened. */
  leave(): boolean;
  readonly state: ExposureState;
}

export interface ExposureTracker {
  track(input: ExposureInput): ExposureHandle;
  /** The page was hidden or closed: every open exposure becomes `ignored`. */
  pageHidden(): void;
}

const idOf = (s: ExposureInput["shown"][number]): string => (typeof s === "string" ? s : s?.id);

export function createExposureTracker(client: Client, now: () => number = Date.now): ExposureTracker {
  const open = new Set<() => boolean>();

  function track(input: ExposureInput): ExposureHandle {
    const shownAt = now();
    client.logExposure(input);
    const ids: string[] = Array.isArray(input?.shown) ? input.shown.map(idOf) : [];
    let state: ExposureState = "open";
    let timer: ReturnType<typeof setTimeout> | undefined;

    /**
     * Moves to `next` (an outcome is also the feedback action it logs) and logs it. Only from
     * `open`, except one `edited` after `accepted`; `ignored` is `derived`, the rest `explicit`.
     */
    const settle = (next: Exclude<ExposureState, "open">, candidateId?: string): boolean => {
      if (state !== "open" && !(state === "accepted" && next === "edited")) return false;
      state = next;
      clearTimeout(timer);
      open.delete(ignore);
      const position = candidateId === undefined ? -1 : ids.indexOf(candidateId);
      // Core leaves undefined fields out of the event.
      client.logFeedback({
        predictionId: input.predictionId,
        action: next,
        kind: next === "ignored" ? "derived" : "explicit",
        dwellMs: Math.max(0, now() - shownAt),
        modelName: input.modelName || undefined,
        candidateId,
        position: position < 0 ? undefined : position,
      } as FeedbackInput);
      return true;
    };
    // Exactly once: every path to `ignored` goes through here, and only from `open`.
    const ignore = () => settle("ignored");

    open.add(ignore);
    const after = input?.ignoreAfterMs;
    if (typeof after === "number" && Number.isInteger(after) && after > 0) timer = setTimeout(ignore, after);

    return {
      accept: (candidateId = ids[0]) => settle("accepted", candidateId),
      edit: (candidateId = ids[0]) => settle("edited", candidateId),
      reject: (candidateId?: string) => settle("rejected", candidateId),
      dismiss: () => settle("dismissed"),
      leave: ignore,
      get state() {
        return state;
      },
    };
  }

  return {
    track(input) {
      try {
        return track(input);
      } catch (e) {
        // Only `strict` mode throws (invalid input, for development); otherwise never break the app.
        if (isInferlogError(e)) throw e;
        return inert;
      }
    },
    pageHidden() {
      for (const ignore of [...open]) ignore();
    },
  };
}

const inert: ExposureHandle = {
  accept: () => false,
  edit: () => false,
  reject: () => false,
  dismiss: () => false,
  leave: () => false,
  state: "open",
};
