/**
 * `@inferlog/browser` under the `development` export condition (Vite's dev server, webpack's
 * development mode, or any bundler told `conditions: ["development"]`): the same API, but every
 * event is checked against the wire contract in the page, so a bad field is reported at once
 * through `onError` (or thrown, with `strict: true`) instead of by the collector.
 */
import { liteValidateEvent } from "@inferlog/core/lite";
import { type BrowserClient, makeClient } from "./client.js";
import type { BrowserClientOptions } from "./options.js";

export * from "./index.js";

export const createClient = (options: BrowserClientOptions): BrowserClient => makeClient(options, liteValidateEvent);
