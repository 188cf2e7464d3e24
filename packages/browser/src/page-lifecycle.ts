export interface PageLifecycleHandlers {
  /**
   * The page was hidden (`visibilitychange`, the last event mobile browsers reliably fire) or is
   * being left (`pagehide`: navigation, close, back/forward cache). Both can fire for one close:
   * it must be cheap to repeat.
   */
  _hidden(): void;
  /** `pagehide`: the page is being left (it may still come back from the back/forward cache). */
  _leaving(): void;
  /** The page is visible again, or back from the back/forward cache. */
  _shown(): void;
  /** A handler threw: told here, never to the page, and the next handler still runs. */
  _failed(error: unknown): void;
}

/** Watches the page's lifecycle; returns a function that stops watching. */
export function watchPageLifecycle(on: PageLifecycleHandlers): () => void {
  if (typeof document === "undefined" || typeof addEventListener !== "function") return () => {};
  const run = (handler: () => void) => {
    try {
      handler();
    } catch (error) {
      on._failed(error);
    }
  };
  const onVisibility = () => run(document.visibilityState === "hidden" ? on._hidden : on._shown);
  // Each on its own: an exposure that fails to end must not cost the page-close request or the spill.
  const onPageHide = () => {
    run(on._leaving);
    run(on._hidden);
  };
  const onPageShow = (event: PageTransitionEvent) => event.persisted && run(on._shown);
  document.addEventListener("visibilitychange", onVisibility);
  addEventListener("pagehide", onPageHide);
  addEventListener("pageshow", onPageShow);
  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    removeEventListener("pagehide", onPageHide);
    removeEventListener("pageshow", onPageShow);
  };
}
