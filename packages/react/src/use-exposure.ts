import { type ExposureHandle, type ExposureInput, type ExposureState, trackElementExposure } from "@inferlog/browser";
import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { type ExposureClient, useInferlogClient } from "./context.js";

export interface UseExposureOptions {
  /** Defaults to the client of the nearest `InferlogProvider`. */
  client?: ExposureClient;
  /**
   * Count the exposure only once this element is on screen (IntersectionObserver), and treat
   * scrolling it away unused as `ignored`. Pass `undefined` to count from mount; pass `null`
   * (a ref not attached yet) to wait for the element.
   */
  element?: Element | null;
  /** Share of the element that must be visible (default 0.5). */
  threshold?: number;
}

/** What the component does with the suggestions. Each returns false once an outcome was recorded. */
export interface ExposureControls {
  accept(candidateId?: string): boolean;
  edit(candidateId?: string): boolean;
  reject(candidateId?: string): boolean;
  dismiss(): boolean;
  /** `idle` before tracking starts (no input, no client, or waiting for the element). */
  readonly state: ExposureState | "idle";
}

interface Slot {
  key: string;
  handle: ExposureHandle;
  pendingLeave: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Tracks one exposure for as long as the component is mounted: the exposure is logged on mount
 * (or when `element` comes on screen), accept/edit/reject/dismiss log feedback, and unmounting,
 * `ignoreAfterMs` passing, or the page closing with nothing done logs `ignored` (kind `derived`).
 * A new `predictionId` or `surface` ends the old exposure and starts a new one.
 */
export function useExposure(
  input: ExposureInput | null | undefined,
  options: UseExposureOptions = {},
): ExposureControls {
  const fromContext = useInferlogClient();
  const client = options.client ?? fromContext;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const slot = useRef<Slot | null>(null);
  // Re-render timers outlive StrictMode's cleanup/re-run on purpose; cleared on final unmount.
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => {
    const list = timers.current;
    return () => {
      for (const t of list.splice(0)) clearTimeout(t);
    };
  }, []);
  const latest = useRef(input);
  latest.current = input;
  const key = input ? `${input.predictionId}\u0000${input.surface}` : "";
  const waiting = options.element === null;
  const { element, threshold } = options;

  useEffect(() => {
    const inp = latest.current;
    if (!inp || !client || waiting) return;
    let s = slot.current;
    if (s && s.key === key && s.pendingLeave !== undefined) {
      // React StrictMode (and fast remounts) run cleanup then the effect again: keep the same exposure.
      clearTimeout(s.pendingLeave);
      s.pendingLeave = undefined;
    } else {
      if (s) {
        clearTimeout(s.pendingLeave);
        s.handle.leave();
      }
      // The tracker ends the exposure itself ignoreAfterMs after it starts (for an element: once seen);
      // re-render then so `state` shows it.
      const after = inp.ignoreAfterMs;
      const timed: ExposureClient = {
        trackExposure(x) {
          const h = client.trackExposure(x);
          if (typeof after === "number" && after > 0) timers.current.push(setTimeout(rerender, after + 5));
          return h;
        },
      };
      const handle =
        element instanceof Element
          ? trackElementExposure(timed, element, inp, threshold === undefined ? {} : { threshold })
          : timed.trackExposure(inp);
      s = { key, handle, pendingLeave: undefined };
      slot.current = s;
      rerender();
    }
    const current = s;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The tracker ends the exposure itself after ignoreAfterMs; re-render so `state` shows it.
    if (typeof inp.ignoreAfterMs === "number" && inp.ignoreAfterMs > 0)
      timer = setTimeout(rerender, inp.ignoreAfterMs + 5);
    return () => {
      clearTimeout(timer);
      current.pendingLeave = setTimeout(() => {
        current.pendingLeave = undefined;
        current.handle.leave();
        if (slot.current === current) slot.current = null;
      }, 0);
    };
  }, [client, key, waiting, element, threshold]);

  const act = useCallback((fn: (h: ExposureHandle) => boolean): boolean => {
    const s = slot.current;
    if (!s) return false;
    const ok = fn(s.handle);
    rerender();
    return ok;
  }, []);

  const current = slot.current?.key === key ? slot.current : null;
  const state = current ? current.handle.state : "idle";
  return useMemo(
    () => ({
      accept: (id?: string) => act((h) => h.accept(id)),
      edit: (id?: string) => act((h) => h.edit(id)),
      reject: (id?: string) => act((h) => h.reject(id)),
      dismiss: () => act((h) => h.dismiss()),
      state,
    }),
    [act, state],
  );
}
