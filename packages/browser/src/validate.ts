/**
 * `@inferlog/browser/validate`: the wire contract, checked in the page (about 2 KB gzip). The
 * development build uses it by default; pass it as `validator` to check events in production too.
 */
export { liteValidateEvent } from "@inferlog/core/lite";
