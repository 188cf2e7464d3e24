import type { ExposureInput } from "@inferlog/core";
import type { ExposureHandle, ExposureOptions, ExposureState } from "./exposure.js";

export interface ElementExposureOptions {
  /**
   * Share that must be on screen to count as seen (default 0.5): of the element, or of the viewport
   * for an element taller or wider than it (a tall panel can never be half on screen).
   */
  threshold?: number;
  /** Called after every change of `state`, and once when the exposure is logged. */
  onChange?: (state: ExposureState) => void;
}

export interface ElementExposureHandle extends ExposureHandle {
  /**
   * Follows another element showing the same suggestions (a list view replaced by a grid view):
   * the exposure goes on. `null` means none is shown now (off screen).
   */
  observe(element: Element | null): void;
}

/** Ratios at which the observer reports, fine enough to see a tall element reach half the viewport. */
const STEPS = Array.from({ length: 21 }, (_, index) => index / 20);

/**
 * Logs the exposure only once `element` has been on screen for MIN_VISIBLE_MS (IntersectionObserver),
 * and turns "scrolled away without acting" into `ignored` (exposure.ts states the rules). Acting on a
 * suggestion before that counts as seeing it.
 */
export function trackElementExposure(
  client: { trackExposure(input: ExposureInput, options?: ExposureOptions): ExposureHandle },
  element: Element | null,
  input: ExposureInput,
  options: ElementExposureOptions = {},
): ElementExposureHandle {
  let observer: IntersectionObserver | undefined;
  const threshold = options.threshold ?? 0.5;
  const handle = client.trackExposure(input, {
    untilSeen: true,
    onChange(state) {
      if (state !== "open") observer?.disconnect();
      options.onChange?.(state);
    },
  });
  const area = (row: { width: number; height: number }) => row.width * row.height;

  function observe(target: Element | null): void {
    observer?.disconnect();
    if (handle.state !== "open") return;
    // No element: nothing on screen. No observer: being rendered is the best signal there is.
    if (!target || typeof IntersectionObserver !== "function") {
      handle.view(!!target);
      return;
    }
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const viewport = entry.rootBounds ?? { width: innerWidth, height: innerHeight };
          const shown = area(entry.intersectionRect);
          handle.view(
            entry.isIntersecting &&
              shown > 0 &&
              shown >= threshold * Math.min(area(entry.boundingClientRect), area(viewport)),
          );
        }
      },
      { threshold: STEPS },
    );
    observer.observe(target);
  }
  observe(element);

  return {
    accept: handle.accept,
    edit: handle.edit,
    reject: handle.reject,
    dismiss: handle.dismiss,
    leave: handle.leave,
    view: handle.view,
    observe,
    get state(): ExposureState {
      return handle.state;
    },
  };
}
