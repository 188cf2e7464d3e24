import { logAndFlush } from "./log-and-flush.js";

/** Bun and Deno: `<runtime> bundle.js <endpoint> <name>` prints one JSON line. */
export async function cli(args: readonly string[]): Promise<void> {
  const [endpoint, runtime] = args;
  const r = await logAndFlush(endpoint ?? "", runtime ?? "?");
  console.log(JSON.stringify(r));
}

/** workerd: a module worker; GET /?endpoint=... runs the same code and answers its JSON. */
export const worker = {
  async fetch(request: Request): Promise<Response> {
    const endpoint = new URL(request.url).searchParams.get("endpoint") ?? "";
    return Response.json(await logAndFlush(endpoint, "workerd"));
  },
};
