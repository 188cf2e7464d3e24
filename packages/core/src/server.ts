/**
 * `@inferlog/core/server`: zod-free pieces of core that server adapters use and browser bundles
 * do not carry: the fused prediction path and the joiner that keeps a backlog's JSON out of the
 * scavenger's way. With `@inferlog/core/lite`, all the Node adapter imports at run time.
 */
export { jsonJoiner } from "./json-chunks.js";
export { prepareFast, warmPrepareFast } from "./prepare-fast.js";
