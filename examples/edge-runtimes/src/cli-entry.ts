import { cli } from "./entries.js";

declare const Deno: { args: string[] } | undefined;
const args =
  typeof Deno !== "undefined"
    ? Deno.args
    : (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
await cli(args);
