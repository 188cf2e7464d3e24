import { defineConfig } from "tsup";
import { MANGLED_MEMBERS } from "../../scripts/mangled-members.mjs";

export default defineConfig({
  entry: { index: "src/index.ts", development: "src/development.ts", validate: "src/validate.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2020",
  sourcemap: true,
  // Constants folded and inlined in the published files: an app's bundler cannot inline a
  // cross-chunk `var` (the browser bundle from dist was 82 B larger than from sources without it).
  // Names and whitespace stay, so the files remain readable.
  minifySyntax: true,
  // Members private to the adapter (persistence, tab presence, the exposure tracker, the page
  // lifecycle's handlers) carry a `_` prefix and get short names in the published files (STYLE.md 13,
  // the convention core uses too). Nothing public or stored (IndexedDB records, the localStorage
  // spill) has one; core's own `_` members are renamed in core's build, and none is read here.
  esbuildOptions(options) {
    options.mangleProps = MANGLED_MEMBERS;
  },
});
