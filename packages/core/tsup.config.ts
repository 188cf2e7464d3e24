import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "subject-key": "src/subject-key.ts",
    compiled: "src/compiled.ts",
    lite: "src/lite.ts",
    otlp: "src/otlp.ts",
    "profile/index": "src/profile/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2020",
  sourcemap: true,
  // Constants folded and inlined in the published files: an app's bundler cannot inline a
  // cross-chunk `var` (the browser bundle from dist was 82 B larger than from sources without it).
  // Names and whitespace stay, so the files remain readable.
  minifySyntax: true,
  // Properties private to the client's internals (the queue, delivery, breaker and accounting
  // closures; none is exported or read outside core) get short names in the published files, as
  // Preact does with its private fields: -66 B gzip in the browser bundle. Only exact names
  // listed here; never one that a built-in or another package's object also has. Newer internals
  // carry a `_` prefix instead (STYLE.md 13), which this also renames.
  esbuildOptions(o) {
    o.mangleProps =
      /^(pump|drain|settledThrough|settlement|abortAll|waitMs|nudge|onNudge|minSeq|requeue|offer|safely|settled)$|^_[a-zA-Z]/;
  },
});
