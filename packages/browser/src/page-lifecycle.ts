/**
 * Calls `onHide` when the page may be about to go away: `visibilitychange` to hidden
 * (the last event mobile browsers reliably fire) and `pagehide` (navigation, close,
 * back-forward cache). Both can fire for one close; `onHide` must be cheap to repeat.
 * Returns a function that stops watching.
 */
export function watchPageLifecycle(onHide: () => void): () => void {
  if (typeof document === "undefined" || typeof addEventListener !== "function") return () => {};
  const onVisibility = () => {
    if (document.visibilityState === "hidden") onHide();
  };
  document.addEventListener("visibilitychange", onVisibility);
  addEventListener("pagehide", onHide);
  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    removeEventListener("pagehide", onHide);
  };
}
