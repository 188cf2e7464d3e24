import type { ExposureHandle, ExposureInput, ExposureOptions } from "@inferlog/browser";
import { createContext, type ReactNode, useContext } from "react";

/** The part of a client the bindings use; `@inferlog/browser`'s client has it. */
export interface ExposureClient {
  trackExposure(input: ExposureInput, options?: ExposureOptions): ExposureHandle;
}

const InferlogContext = createContext<ExposureClient | null>(null);

/** Makes a client available to `useExposure` and `<Exposure>` below it. */
export function InferlogProvider({ client, children }: { client: ExposureClient; children?: ReactNode }) {
  return <InferlogContext.Provider value={client}>{children}</InferlogContext.Provider>;
}

/** The client from the nearest `InferlogProvider`, or null. */
export function useInferlogClient(): ExposureClient | null {
  return useContext(InferlogContext);
}
