import type { ExposureInput } from "@inferlog/core";
import type { ExposureHandle, ExposureState } from "./exposure.js";

export interface ElementExposureOptions {
  /** Share of the element that must be on screen to count as seen (default 0.5). */
  threshold?: number;
}

/**
 * Logs the exposure only when `element` is really on screen (IntersectionObserver),
 * and turns "scrolled away without acting" into `ignored`. Acting on a suggestion
 * before the observer reported it counts as seeing it.
 */
export function trackElementExposure(
  client: { trackExposure(input: ExposureInput): ExposureHandle },
  element: Element,
  input: ExposureInput,
  options: ElementExposureOptions = {},
): ExposureHandle {
  let handle: ExposureHandle | undefined;
  let observer: IntersectionObserver | undefined;
  const threshold = options.threshold ?? 0.5;
  const start = (): ExposureHandle => {
    handle ??= client.trackExposure(input);
    return handle;
  };
  const stopIfDone = (ok: boolean): boolean => {
    if (handle && handle.state !== "open" && handle.state !== "accepted") observer?.disconnect();
    return ok;
  };
  if (typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting && e.intersectionRatio >= threshold) start();
          else if (handle) stopIfDone(handle.leave());
        }
      },
      { threshold: [0, threshold] },
    );
    observer.observe(element);
  } else start(); // no observer: being rendered is the best signal there is

  return {
    accept: (id) => stopIfDone(start().accept(id)),
    edit: (id) => stopIfDone(start().edit(id)),
    reject: (id) => stopIfDone(start().reject(id)),
    dismiss: () => stopIfDone(start().dismiss()),
    leave: () => stopIfDone(handle ? handle.leave() : false),
    get state(): ExposureState {
      return handle?.state ?? "open";
    },
  };
}
