import { type Client, createBaseClient } from "./base-client.js";
import type { ClientOptions } from "./options.js";
import { prepareFast, warmPrepareFast } from "./prepare-fast.js";
import { validateEvent } from "./validate.js";

export { type Client, createBaseClient, type DropReason, type FlushResult, type StoredEvent } from "./base-client.js";

/**
 * The client, validating with zod's runtime parser unless `options.validator` says otherwise, and
 * preparing predictions on the fused path written for it (`prepareFast`). It lives apart from
 * `createBaseClient` so that importing the latter never loads zod.
 */
export function createClient(options: ClientOptions): Client {
  const client = createBaseClient(options, { validator: validateEvent, prepare: prepareFast });
  warmPrepareFast(validateEvent);
  return client;
}
