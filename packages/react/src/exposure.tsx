import type { ExposureInput } from "@inferlog/browser";
import { type HTMLAttributes, type ReactNode, useState } from "react";
import type { ExposureClient } from "./context.js";
import { type ExposureControls, useExposure } from "./use-exposure.js";

export interface ExposureProps
  extends ExposureInput,
    Omit<HTMLAttributes<HTMLElement>, "children" | keyof ExposureInput> {
  /** Renders the suggestions; call `accept`/`reject`/`dismiss`/`edit` from their handlers. */
  children: (controls: ExposureControls) => ReactNode;
  /** Wrapper element (default `div`); it is what must be on screen for the exposure to count. */
  as?: "div" | "section" | "ul" | "ol" | "span" | "aside";
  client?: ExposureClient;
  /** Share of the wrapper that must be visible (default 0.5). */
  threshold?: number;
}

/**
 * Renders suggestions and tracks their exposure: logged once the wrapper is on screen,
 * `ignored` when it scrolls away, unmounts, or `ignoreAfterMs` passes with nothing done.
 */
export function Exposure(props: ExposureProps) {
  const {
    children,
    as: Tag = "div",
    client,
    threshold,
    predictionId,
    shown,
    surface,
    ignoreAfterMs,
    modelName,
    predictionTime,
    subjectKey,
    time,
    traceparent,
    ...rest
  } = props;
  const [element, setElement] = useState<HTMLElement | null>(null);
  const input: ExposureInput = {
    predictionId,
    shown,
    surface,
    ...(ignoreAfterMs !== undefined ? { ignoreAfterMs } : {}),
    ...(modelName !== undefined ? { modelName } : {}),
    ...(predictionTime !== undefined ? { predictionTime } : {}),
    ...(subjectKey !== undefined ? { subjectKey } : {}),
    ...(time !== undefined ? { time } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
  };
  const controls = useExposure(input, {
    element,
    ...(client ? { client } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  });
  return (
    <Tag ref={setElement as (el: HTMLElement | null) => void} {...rest}>
      {children(controls)}
    </Tag>
  );
}
