import { resolve } from "node:path";

/**
 * The file a `sqlite:` store spec names, resolved against the working directory (`sqlite::memory:`
 * as it is); undefined for other stores and for `sqlite:` with nothing after it.
 */
export function sqliteFileOf(spec: string): string | undefined {
  if (!spec.startsWith("sqlite:")) return undefined;
  const rest = spec.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
  if (rest.length === 0) return undefined;
  return rest === ":memory:" ? rest : resolve(rest);
}
