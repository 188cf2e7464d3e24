/**
 * The likely cause of a fetch that threw while the page is online. A browser hides why on
 * purpose: a collector that is down, a CORS refusal (an origin it does not allow, or a 401/403
 * answered without CORS headers) all reach the page as the same TypeError. What the page can
 * tell apart is whether the request crossed origins at all.
 */
export function fetchFailureHint(endpoint: string): string | undefined {
  if (typeof navigator !== "undefined" && navigator.onLine === false) return "the browser is offline";
  const origin = typeof location === "undefined" ? undefined : location.origin;
  const crossOrigin = origin !== undefined && new URL(endpoint, origin).origin !== origin;
  return crossOrigin
    ? `looks like CORS: is the collector running, and does a browser key allow the origin ${origin}? A wrong key answered without CORS headers looks the same; a dev-server proxy avoids CORS (docs/browser.md, Troubleshooting)`
    : "is the collector (or the dev-server proxy in front of it) running?";
}
