export { type ExposureClient, InferlogProvider, useInferlogClient } from "./context.js";
export { Exposure, type ExposureProps } from "./exposure.js";
export { type ExposureControls, type UseExposureOptions, useExposure } from "./use-exposure.js";
