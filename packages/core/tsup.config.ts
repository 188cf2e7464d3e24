import { defineConfig } from "tsup";
import { MANGLED_MEMBERS } from "../../scripts/mangled-members.mjs";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "subject-key": "src/subject-key.ts",
    compiled: "src/compiled.ts",
    server: "src/server.ts",
    lite: "src/lite.ts",
    otlp: "src/otlp.ts",
    "profile/index": "src/profile/index.ts",
  },
  format: ["esm", "cjs"],
  // The CommonJS files share modules between entries as the ESM ones do, so every entry hands out
  // the same classes: with a copy per entry, `instanceof` failed across entries (a strict Node client
  // swallowed its validator's ValidationError as an internal failure).
  splitting: true,
  dts: true,
  clean: true,
  target: "es2020",
  sourcemap: true,
  // Constants folded and inlined in the published files: an app's bundler cannot inline a
  // cross-chunk `var` (the browser bundle from dist was 82 B larger than from sources without it).
  // Names and whitespace stay, so the files remain readable.
  minifySyntax: true,
  // Members private to core's internals (the queue, delivery, breaker and accounting closures; none
  // is exported or read outside core) carry a `_` prefix and get short names in the published files,
  // as Preact does with its private fields (STYLE.md 13): the prefix, not a list of names, decides.
  esbuildOptions(options) {
    options.mangleProps = MANGLED_MEMBERS;
  },
});
