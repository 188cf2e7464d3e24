import {
  type ElementExposureHandle,
  type ExposureHandle,
  type ExposureInput,
  type ExposureState,
  trackElementExposure,
} from "@inferlog/browser";
import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { type ExposureClient, useInferlogClient } from "./context.js";

export interface UseExposureOptions {
  /** Defaults to the client of the nearest `InferlogProvider`. */
  client?: ExposureClient;
  /**
   * Follow this element: the exposure is logged once it has been on screen for `MIN_VISIBLE_MS`
   * (IntersectionObserver), and off screen for `LEAVE_AFTER_MS` unused it becomes `ignored`. A new
   * element (a list view replaced by a grid view) continues the same exposure; `null` (a ref not
   * attached yet, or nothing rendered now) counts as off screen. Leave it `undefined` to count from
   * mount (logged once the page is visible).
   */
  element?: Element | null;
  /** Share of the element (or of the viewport, for an element taller than it) that must be visible (default 0.5). */
  threshold?: number;
}

/** What the component does with the suggestions. Each returns false once an outcome was recorded. */
export interface ExposureControls {
  accept(candidateId?: string): boolean;
  edit(candidateId?: string): boolean;
  reject(candidateId?: string): boolean;
  dismiss(): boolean;
  /** `idle` before tracking starts (no input or no client); the component re-renders on every change. */
  readonly state: ExposureState | "idle";
}

interface Slot {
  key: string;
  handle: ExposureHandle & Partial<Pick<ElementExposureHandle, "observe">>;
  pendingLeave: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Tracks one exposure for as long as the component is mounted, by the rules in docs/react.md: the
 * exposure is logged on mount (or once `element` has been on screen), accept/edit/reject/dismiss log
 * feedback, and unmounting, `ignoreAfterMs` of visible time, the element off screen, or the page being
 * left with nothing done logs `ignored` (kind `derived`); a hidden tab only pauses it. A new
 * `predictionId` or `surface` ends the old exposure and starts a new one; a new element does not.
 */
export function useExposure(
  input: ExposureInput | null | undefined,
  options: UseExposureOptions = {},
): ExposureControls {
  const fromContext = useInferlogClient();
  const client = options.client ?? fromContext;
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const slot = useRef<Slot | null>(null);
  const latest = useRef(input);
  latest.current = input;
  const key = input ? `${input.predictionId}\u0000${input.surface}` : "";
  const { element, threshold } = options;
  const follows = element !== undefined;
  const latestElement = useRef(element);
  latestElement.current = element;

  useEffect(() => {
    const inp = latest.current;
    if (!inp || !client) return;
    let text = slot.current;
    if (text && text.key === key && text.pendingLeave !== undefined) {
      // React StrictMode (and fast remounts) run cleanup then the effect again: keep the same exposure.
      clearTimeout(text.pendingLeave);
      text.pendingLeave = undefined;
    } else {
      if (text) {
        clearTimeout(text.pendingLeave);
        text.handle.leave();
      }
      // Every change of state (seen, settled, ignored by a timer or off screen) re-renders.
      const onChange = () => rerender();
      const handle = follows
        ? trackElementExposure(client, latestElement.current ?? null, inp, {
            onChange,
            ...(threshold === undefined ? {} : { threshold }),
          })
        : client.trackExposure(inp, { onChange });
      text = { key, handle, pendingLeave: undefined };
      slot.current = text;
      rerender();
    }
    const current = text;
    return () => {
      current.pendingLeave = setTimeout(() => {
        current.pendingLeave = undefined;
        current.handle.leave();
        if (slot.current === current) slot.current = null;
      }, 0);
    };
  }, [client, key, follows, threshold]);

  // The same suggestions in another element: the exposure follows it rather than starting over.
  useEffect(() => {
    slot.current?.handle.observe?.(element ?? null);
  }, [element]);

  const act = useCallback((fn: (exposureHandle: ExposureHandle) => boolean): boolean => {
    const text = slot.current;
    if (!text) return false;
    const ok = fn(text.handle);
    rerender();
    return ok;
  }, []);

  const current = slot.current?.key === key ? slot.current : null;
  const state = current ? current.handle.state : "idle";
  return useMemo(
    () => ({
      accept: (id?: string) => act((exposureHandle) => exposureHandle.accept(id)),
      edit: (id?: string) => act((exposureHandle) => exposureHandle.edit(id)),
      reject: (id?: string) => act((exposureHandle) => exposureHandle.reject(id)),
      dismiss: () => act((exposureHandle) => exposureHandle.dismiss()),
      state,
    }),
    [act, state],
  );
}
