/**
 * The members the published builds may rename (esbuild `mangleProps`), for core's and the browser
 * adapter's tsup configs: a `_` prefix followed by a letter, the convention Sentry and PostHog use
 * (STYLE.md 13). A name is private to the build by how it is spelled, never by a hand-kept list, so a
 * new property cannot be renamed by accident. Dunder names (`__proto__`, `__esModule`) never match.
 * Nothing public (an exported type's member, an option), on the wire (the event contract's fields)
 * or stored (IndexedDB records, the localStorage spill) may carry the prefix: core's
 * `mangled-members.test.ts` and the browser's check it.
 */
export const MANGLED_MEMBERS = /^_[a-zA-Z]/;

/**
 * `_` members that a built file still spells in full: accessed (`x._a`), as a key (`{ _a: 1 }`) or a
 * method (`_a() {`). Each would be a member half renamed (the build renames them all), for the tests.
 * @param {string} js
 * @returns {string[]}
 */
export function unrenamedMembers(js) {
  const found = [
    // A member access, not a spread: CommonJS chunks spread `..._chunkABCcjs.NAMES`.
    ...js.matchAll(/(?<!\.)\.\s*(_[a-zA-Z]\w*)/g),
    ...js.matchAll(/[{,]\s*(_[a-zA-Z]\w*)\s*:/g),
    ...js.matchAll(/^\s*(?:async\s+)?(_[a-zA-Z]\w*)\([^)]*\)\s*\{/gm),
  ];
  return [...new Set(found.map((m) => m[1]))];
}
