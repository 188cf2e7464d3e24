import { ConfigError, formatIssue } from "@inferlog/core";
import type * as z from "zod/mini";

/** `input` placed at `path` in an object, so an issue's path reads from the config file's root. */
const nest = (path: (string | number)[], input: unknown): unknown =>
  path.reduceRight<unknown>(
    (inner, key) => (typeof key === "number" ? Object.assign([], { [key]: inner }) : { [key]: inner }),
    input,
  );

/**
 * A ConfigError for the first issue of a config section, its field named from the file's root
 * (`monitors.rules[2].floor`). A caller that must not echo the value (a secret, a webhook URL) passes
 * `{}` as `input`: the message then names the field only.
 */
export function configIssue(
  section: string,
  issue: z.core.$ZodIssue,
  input: unknown,
  prefix: (string | number)[],
): ConfigError {
  const path = [...prefix, ...issue.path] as (string | number)[];
  if (issue.code === "unrecognized_keys") {
    const where = formatIssue({ ...issue, code: "custom", message: "", path } as z.core.$ZodIssue, {}).split("`")[1];
    return new ConfigError(
      `Invalid ${section} config: \`${where}\` has an unknown field ${issue.keys.map((key) => `\`${key}\``).join(", ")}`,
    );
  }
  const wrapped = { ...issue, path } as z.core.$ZodIssue;
  return new ConfigError(`Invalid ${section} config: ${formatIssue(wrapped, nest(prefix, input))}`);
}
