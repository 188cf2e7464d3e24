import type { Client, ExposureInput, FeedbackInput } from "@inferlog/core";
import { InferlogError, isInferlogError, threw } from "@inferlog/core/lite";

export type ExposureState = "open" | "accepted" | "edited" | "rejected" | "dismissed" | "ignored";

/**
 * The rules (docs/browser.md, "Exposures"), for `trackExposure` and the element helper alike:
 * - an exposure is logged once the suggestions are visible: the page visible and, for an element,
 *   on screen for MIN_VISIBLE_MS without a break;
 * - a hidden page pauses it: no time counts toward `ignoreAfterMs` or the dwell, nothing ends it;
 * - it ends as `ignored` (derived) after `ignoreAfterMs` of visible time, after LEAVE_AFTER_MS off
 *   screen while the page is visible, on `leave()`, or when the page is left (`pagehide`);
 * - an action before it was logged logs it first; the first outcome wins (one `edited` may follow
 *   `accepted`).
 */
export const MIN_VISIBLE_MS = 250;
/** Off screen this long (page visible) ends an exposure as `ignored`; a scroll jitter does not. */
export const LEAVE_AFTER_MS = 1_000;

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
  /** The suggestions left the screen for good: emits `ignored` (kind `derived`) if nothing happened. */
  leave(): boolean;
  /**
   * Whether the suggestions are on screen now (the element helper calls it; so can your own check).
   * Off screen for LEAVE_AFTER_MS while the page is visible ends the exposure as `ignored`.
   */
  view(onScreen: boolean): void;
  readonly state: ExposureState;
}

export interface ExposureOptions {
  /** Called after every change of `state`, and once when the exposure is logged. */
  onChange?: (state: ExposureState) => void;
  /**
   * Starts off screen: the exposure is logged once `view(true)` has held for MIN_VISIBLE_MS (what
   * the element helper uses). Otherwise it is on screen from the start, logged as soon as the page is visible.
   */
  untilSeen?: boolean;
}

export interface ExposureTracker {
  _track(input: ExposureInput, options?: ExposureOptions): ExposureHandle;
  /** The page was hidden (`false`) or shown again (`true`): open exposures pause or resume. */
  _pageVisible(visible: boolean): void;
  /** The page is being left (`pagehide`): every open exposure that was logged becomes `ignored`. */
  _pageLeft(): void;
}

const idOf = (entry: ExposureInput["shown"][number]): string => (typeof entry === "string" ? entry : entry?.id);

/**
 * The input as it is when `trackExposure` is called: the exposure reads only this copy later (to log
 * the exposure once the page is shown, and the feedback), since the app may reuse or revoke its object
 * once its synchronous code has run (docs/delivery.md). Throws if the input cannot be read.
 */
const copyOf = (input: ExposureInput): ExposureInput => ({
  ...input,
  shown: Array.isArray(input?.shown)
    ? input.shown.map((entry) => (entry && typeof entry === "object" ? { ...entry } : entry))
    : input?.shown,
});

/** `report` hears what threw in the tracker's own work (the app's `onChange`), which never reaches the page. */
export function createExposureTracker(
  client: Client,
  report: (what: string, cause: unknown) => void,
  now: () => number = Date.now,
): ExposureTracker {
  /** Each open exposure's re-evaluation, and its end (at `pagehide`). */
  const open = new Map<() => void, () => void>();
  let pageVisible = typeof document === "undefined" || document.visibilityState !== "hidden";

  /** Runs each open exposure's `step`; one that throws is reported, and the others still run. */
  const each = (steps: Iterable<() => unknown>) => {
    for (const step of [...steps])
      try {
        step();
      } catch (error) {
        report("Updating an exposure", error);
      }
  };

  function track(exposure: ExposureInput, options: ExposureOptions = {}): ExposureHandle {
    const ids: string[] = Array.isArray(exposure.shown) ? exposure.shown.map(idOf) : [];
    const after = exposure.ignoreAfterMs;
    const { onChange, untilSeen } = options;
    let state: ExposureState = "open";
    let onScreen = !untilSeen;
    let seen = false;
    /** Visible time counted so far (once seen), and when the current visible stretch began. */
    let visibleMs = 0;
    let visibleSince: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const visibleFor = () => visibleMs + (seen && visibleSince !== undefined ? now() - visibleSince : 0);
    const wait = (ms: number, fn: () => unknown) => {
      timer = setTimeout(fn, Math.max(0, ms));
    };

    function see(): void {
      seen = true;
      client.logExposure(exposure);
      update();
      onChange?.(state);
    }

    /** Re-evaluates after a change of page visibility or of `onScreen`: one timer at a time. */
    function update(): void {
      clearTimeout(timer);
      const visible = pageVisible && onScreen;
      if (!visible && visibleSince !== undefined) {
        visibleMs = visibleFor();
        visibleSince = undefined;
      } else if (visible) visibleSince ??= now();
      if (!seen) {
        if (visible) {
          if (untilSeen) wait(MIN_VISIBLE_MS - (now() - (visibleSince as number)), see);
          else see();
        }
      } else if (visible) {
        if (typeof after === "number" && Number.isInteger(after) && after > 0) wait(after - visibleFor(), ignore);
      } else if (pageVisible) wait(LEAVE_AFTER_MS, ignore);
    }

    const end = () => {
      clearTimeout(timer);
      open.delete(update);
    };

    /**
     * Moves to `next` (an outcome is also the feedback action it logs) and logs it. Only from
     * `open`, except one `edited` after `accepted`; `ignored` is `derived`, the rest `explicit`.
     */
    const settle = (next: Exclude<ExposureState, "open">, candidateId?: string): boolean => {
      if (state !== "open" && !(state === "accepted" && next === "edited")) return false;
      // Acting on suggestions is proof they were seen.
      if (!seen) see();
      const dwellMs = Math.round(visibleFor());
      state = next;
      end();
      const position = candidateId === undefined ? -1 : ids.indexOf(candidateId);
      // Core leaves undefined fields out of the event.
      client.logFeedback({
        predictionId: exposure.predictionId,
        action: next,
        kind: next === "ignored" ? "derived" : "explicit",
        dwellMs,
        modelName: exposure.modelName || undefined,
        candidateId,
        position: position < 0 ? undefined : position,
      } as FeedbackInput);
      onChange?.(state);
      return true;
    };
    /** Only an exposure that was logged can be ignored; one never seen just ends, unlogged. */
    const ignore = (): boolean => {
      if (seen) return settle("ignored");
      end();
      return false;
    };

    open.set(update, ignore);
    update();

    return {
      accept: (candidateId = ids[0]) => settle("accepted", candidateId),
      edit: (candidateId = ids[0]) => settle("edited", candidateId),
      reject: (candidateId?: string) => settle("rejected", candidateId),
      dismiss: () => settle("dismissed"),
      leave: () => state === "open" && ignore(),
      view(visible) {
        onScreen = visible;
        if (open.has(update)) update();
      },
      get state() {
        return state;
      },
    };
  }

  return {
    _track(input, options) {
      let exposure: ExposureInput;
      try {
        exposure = copyOf(input);
      } catch (cause) {
        // Refused like any unreadable input: core counts a log call whose input throws when read as
        // `invalid` and hands an InferlogError it threw to `onError` as it is (`strict` throws it).
        const problem = new InferlogError("invalid", threw("Reading the trackExposure input", cause), { cause });
        client.logExposure({
          get predictionId(): string {
            throw problem;
          },
        } as ExposureInput);
        return inert;
      }
      try {
        return track(exposure, options);
      } catch (error) {
        // Only `strict` mode throws (invalid input, for development); otherwise never break the app.
        if (isInferlogError(error)) throw error;
        report("Tracking an exposure", error);
        return inert;
      }
    },
    _pageVisible(visible) {
      pageVisible = visible;
      each(open.keys());
    },
    _pageLeft: () => each(open.values()),
  };
}

const no = () => false;
const inert: ExposureHandle = {
  accept: no,
  edit: no,
  reject: no,
  dismiss: no,
  leave: no,
  view: () => {},
  state: "open",
};
