// One-off helper for STYLE.md 13: gives one-letter locals (variables, parameters, destructured and
// catch bindings) of a package a name from their type or role, through TypeScript's own rename (so
// shorthand properties and destructuring keep their keys). A name is used only when it appears
// nowhere in the scope the binding is visible in, so no reference can change what it points to.
// Exported names and members are left to a person (they cross files); they are listed at the end.
//
//   node scripts/name-locals.mjs core [--dry]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const [pkg, ...flags] = process.argv.slice(2);
const dry = flags.includes("--dry");
const configPath = join(root, "packages", pkg, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
);
const files = config.fileNames.filter((f) => /\/src\//.test(f) && !/\.test\.tsx?$/.test(f));

const texts = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const versions = new Map(files.map((f) => [f, 0]));
const host = {
  getScriptFileNames: () => config.fileNames,
  getScriptVersion: (f) => String(versions.get(f) ?? 0),
  getScriptSnapshot: (f) => {
    const text = texts.get(f) ?? (ts.sys.fileExists(f) ? ts.sys.readFile(f) : undefined);
    return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
  },
  getCurrentDirectory: () => dirname(configPath),
  getCompilationSettings: () => config.options,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists,
  readFile: (f) => texts.get(f) ?? ts.sys.readFile(f),
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());

const BY_LETTER = {
  a: ["left", "first"],
  b: ["right", "second", "bytes"],
  c: ["count", "column", "char"],
  d: ["data", "day", "delta"],
  e: ["entry", "event", "error"],
  f: ["file", "field", "fn"],
  g: ["group"],
  h: ["header", "hash"],
  i: ["index", "position"],
  j: ["inner", "other"],
  k: ["key", "name"],
  l: ["line", "list"],
  m: ["match", "map", "model"],
  n: ["count", "total", "size"],
  o: ["options", "object"],
  p: ["part", "pending", "path"],
  q: ["query", "quantile"],
  r: ["result", "row", "record"],
  s: ["text", "state", "sum"],
  t: ["time", "table", "tag"],
  u: ["unit", "url"],
  v: ["value", "item"],
  w: ["width", "writer"],
  x: ["item", "element", "input"],
  y: ["second", "other"],
  z: ["third"],
};
const PRIMITIVE = {
  string: {
    k: "key",
    s: "text",
    v: "value",
    n: "name",
    p: "path",
    t: "text",
    l: "line",
    c: "char",
    m: "message",
    u: "url",
    d: "day",
    x: "text",
    e: "entry",
    q: "sql",
    h: "hex",
  },
  number: {
    i: "index",
    j: "inner",
    n: "count",
    k: "index",
    t: "time",
    b: "bytes",
    d: "delta",
    s: "seconds",
    m: "ms",
    x: "value",
    v: "value",
    c: "count",
    p: "probability",
    q: "quantile",
    w: "weight",
    y: "value",
    a: "left",
    l: "length",
    r: "rate",
    e: "end",
    f: "fraction",
    h: "high",
    o: "offset",
    g: "gap",
    u: "units",
    z: "score",
  },
};
const lowerFirst = (s) => s[0].toLowerCase() + s.slice(1);
function fromType(typeText, letter) {
  const t = typeText
    .replace(/^readonly /, "")
    .replace(/ \| undefined$/, "")
    .replace(/ \| null$/, "");
  const array = /^(\w+)\[\]$/.exec(t) ?? /^(?:Readonly)?Array<(\w+)>$/.exec(t);
  if (array) {
    const single = fromType(array[1], letter)[0];
    return single ? [single.endsWith("s") ? `${single}List` : `${single}s`] : [];
  }
  if (t === "string" || /^"/.test(t)) return [PRIMITIVE.string[letter] ?? "text"];
  if (t === "number") return [PRIMITIVE.number[letter] ?? "value"];
  if (t === "boolean") return [];
  if (/^[A-Z]\w*$/.test(t) && t.length > 1) {
    for (const [suffix, name] of [
      ["Event", "event"],
      ["Options", "options"],
      ["Error", "error"],
      ["Response", "response"],
      ["Request", "request"],
      ["Row", "row"],
      ["Result", "result"],
      ["Column", "column"],
      ["Batch", "batch"],
    ])
      if (t.endsWith(suffix)) return [name, lowerFirst(t)];
    if (t === "Date") return ["date"];
    if (t === "Buffer" || t === "Uint8Array") return ["bytes", "buffer"];
    if (t === "URL") return ["url"];
    return t.length <= 18 ? [lowerFirst(t)] : [];
  }
  return [];
}

/** Words for objects of no named type, by letter. */
const OBJECT_WORDS = {
  a: ["left"],
  b: ["right"],
  c: ["config", "entry"],
  d: ["data", "entry"],
  e: ["entry"],
  f: ["field", "entry"],
  g: ["group"],
  k: ["entry"],
  m: ["match", "entry"],
  o: ["entry", "item"],
  p: ["part", "entry"],
  q: ["query", "entry"],
  r: ["row", "record"],
  s: ["entry", "item"],
  t: ["entry", "item"],
  v: ["value", "item"],
  w: ["window", "entry"],
  x: ["item", "entry"],
  y: ["other", "entry"],
};
const ARRAY_METHODS = new Set([
  "map",
  "filter",
  "some",
  "every",
  "find",
  "findIndex",
  "forEach",
  "flatMap",
  "reduce",
  "findLast",
  "sort",
  "toSorted",
]);
const singular = (word) =>
  word.endsWith("ies")
    ? `${word.slice(0, -3)}y`
    : /(ss|us|sis)$/.test(word)
      ? ""
      : word.endsWith("ses") || word.endsWith("xes")
        ? word.slice(0, -2)
        : word.endsWith("s")
          ? word.slice(0, -1)
          : "";
/** A name from where the binding sits: the element of `rows.map((r) => ...)` is a row; a Promise's resolver is `resolve`. */
function fromRole(decl) {
  if (!ts.isParameter(decl)) return [];
  const fn = decl.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return [];
  const call = fn.parent;
  if (ts.isNewExpression(call) && call.expression.getText() === "Promise")
    return fn.parameters.indexOf(decl) === 0 ? ["resolve"] : ["reject"];
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return [];
  const method = call.expression.name.text;
  if (!ARRAY_METHODS.has(method)) return [];
  const index = fn.parameters.indexOf(decl);
  if (method === "sort" || method === "toSorted") return index === 0 ? ["left"] : ["right"];
  if (method === "reduce") return index === 0 ? ["total"] : [];
  if (index !== 0) return index === 1 ? ["index"] : [];
  let target = call.expression.expression;
  while (ts.isCallExpression(target) || ts.isNonNullExpression(target) || ts.isParenthesizedExpression(target))
    target = target.expression;
  const word = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : "";
  const one = singular(word);
  return one && one.length > 1 ? [one] : [];
}

const RESERVED = new Set([
  "delete",
  "function",
  "default",
  "new",
  "in",
  "for",
  "if",
  "case",
  "class",
  "enum",
  "var",
  "let",
  "const",
  "void",
  "with",
  "yield",
  "this",
  "super",
  "import",
  "export",
  "return",
  "switch",
  "throw",
  "try",
  "typeof",
  "instanceof",
  "while",
  "do",
  "break",
  "continue",
  "catch",
  "finally",
  "arguments",
  "eval",
  "package",
  "interface",
  "private",
  "protected",
  "public",
  "static",
  "await",
]);

/** Every identifier text inside `node`. */
function identifiersIn(node, out = new Set()) {
  if (ts.isIdentifier(node)) out.add(node.text);
  // forEachChild stops at the first callback that returns a value: this one returns nothing.
  ts.forEachChild(node, (child) => {
    identifiersIn(child, out);
  });
  return out;
}
/** The node a binding is visible in: its function for parameters and `var`, its block for `let`/`const`/catch. */
function scopeOf(decl) {
  let node = decl;
  if (ts.isParameter(decl)) return decl.parent;
  const isVar = (() => {
    let p = decl;
    while (p && !ts.isVariableDeclarationList(p)) p = p.parent;
    return p ? !(p.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) : false;
  })();
  while (node.parent) {
    node = node.parent;
    if (ts.isCatchClause(node)) return node;
    if (ts.isFunctionLike(node) || ts.isSourceFile(node)) return node;
    if (
      !isVar &&
      (ts.isBlock(node) ||
        ts.isForStatement(node) ||
        ts.isForOfStatement(node) ||
        ts.isForInStatement(node) ||
        ts.isCaseBlock(node))
    )
      return node;
  }
  return node;
}
function isExported(decl) {
  let node = decl;
  while (node && !ts.isVariableStatement(node) && !ts.isFunctionDeclaration(node)) {
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isFunctionLike(node)) break;
    node = node.parent;
  }
  return (
    !!node &&
    (ts.isVariableStatement(node) || ts.isFunctionDeclaration(node)) &&
    !!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** The next one-letter binding to name, in file order, skipping those already tried. */
function nextTarget(tried) {
  const program = service.getProgram();
  const checker = program.getTypeChecker();
  for (const file of files) {
    const source = program.getSourceFile(file);
    let found;
    const visit = (node) => {
      if (found) return;
      let nameNode;
      if (
        (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) &&
        ts.isIdentifier(node.name)
      )
        nameNode = node.name;
      if (nameNode && nameNode.text.length === 1 && nameNode.text !== "_") {
        const key = `${file}:${nameNode.getStart()}:${nameNode.text}`;
        if (!tried.has(key)) {
          const decl = ts.isBindingElement(node) ? node : node;
          found = { file, source, node: decl, nameNode, key, checker };
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (found) return found;
  }
  return undefined;
}

const tried = new Set();
const skipped = [];
let renamed = 0;
for (;;) {
  const target = nextTarget(tried);
  if (!target) break;
  tried.add(target.key);
  const { file, node, nameNode, checker } = target;
  const letter = nameNode.text;
  const declForScope = ts.isBindingElement(node)
    ? (() => {
        let p = node;
        while (ts.isBindingElement(p) || ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p)) p = p.parent;
        return p;
      })()
    : node;
  if (!ts.isParameter(declForScope) && isExported(declForScope)) {
    skipped.push(`${file}: exported ${letter}`);
    continue;
  }
  const scope = scopeOf(declForScope);
  const taken = identifiersIn(scope);
  let typeText = "";
  try {
    typeText = checker.typeToString(checker.getTypeAtLocation(nameNode));
  } catch {}
  const inCatch = ts.isCatchClause(node.parent);
  const role = fromRole(node);
  const typed = fromType(typeText, letter);
  // An object of no named type: only the role or a neutral word, never a primitive's word ("text").
  const anonymous = typed.length === 0 && /^\{|^\(|=>|\|/.test(typeText);
  const candidates = [
    ...(inCatch ? ["error", "cause"] : []),
    ...role,
    ...typed,
    ...(anonymous
      ? (OBJECT_WORDS[letter.toLowerCase()] ?? ["entry", "item"])
      : (BY_LETTER[letter.toLowerCase()] ?? [])),
  ];
  const name = candidates.find((c) => !taken.has(c) && !RESERVED.has(c) && /^[a-zA-Z]\w*$/.test(c));
  if (!name) {
    skipped.push(
      `${file}:${target.source.getLineAndCharacterOfPosition(nameNode.getStart()).line + 1} ${letter}: ${typeText} (no free name among ${candidates.join(", ")})`,
    );
    continue;
  }
  const locations = service.findRenameLocations(file, nameNode.getStart(), false, false, {
    providePrefixAndSuffixTextForRename: true,
  });
  if (!locations || locations.some((l) => !texts.has(l.fileName))) {
    skipped.push(`${file}: ${letter} (references outside src)`);
    continue;
  }
  const byFile = new Map();
  for (const l of locations) byFile.set(l.fileName, [...(byFile.get(l.fileName) ?? []), l]);
  for (const [f, locs] of byFile) {
    let text = texts.get(f);
    for (const l of locs.sort((x, y) => y.textSpan.start - x.textSpan.start)) {
      text =
        text.slice(0, l.textSpan.start) +
        (l.prefixText ?? "") +
        name +
        (l.suffixText ?? "") +
        text.slice(l.textSpan.start + l.textSpan.length);
    }
    texts.set(f, text);
    versions.set(f, versions.get(f) + 1);
  }
  renamed++;
  // The key of the renamed binding no longer names a one-letter binding; positions after it moved,
  // so forget what was tried in this file (the skipped ones are tried again and skipped again).
  for (const k of [...tried]) if (k.startsWith(`${file}:`)) tried.delete(k);
  for (const s of skipped.filter((s) => s.startsWith(`${file}:`))) tried.add(s);
  // Re-add skipped keys of this file by position is not possible after edits: track by re-skipping.
  skipKeysAgain(file);
}

function skipKeysAgain(file) {
  // Recompute keys of bindings in `file` that have no free name or are exported, so the loop ends.
  const program = service.getProgram();
  const source = program.getSourceFile(file);
  const checker = program.getTypeChecker();
  const visit = (node) => {
    if (
      (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) &&
      ts.isIdentifier(node.name) &&
      node.name.text.length === 1 &&
      node.name.text !== "_"
    ) {
      const key = `${file}:${node.name.getStart()}:${node.name.text}`;
      const declForScope = ts.isBindingElement(node)
        ? (() => {
            let p = node;
            while (ts.isBindingElement(p) || ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p)) p = p.parent;
            return p;
          })()
        : node;
      if (!ts.isParameter(declForScope) && isExported(declForScope)) tried.add(key);
      else {
        const taken = identifiersIn(scopeOf(declForScope));
        let typeText = "";
        try {
          typeText = checker.typeToString(checker.getTypeAtLocation(node.name));
        } catch {}
        const letter = node.name.text;
        const candidates = [
          ...(ts.isCatchClause(node.parent) ? ["error", "cause"] : []),
          ...fromType(typeText, letter),
          ...(BY_LETTER[letter.toLowerCase()] ?? []),
        ];
        if (!candidates.some((c) => !taken.has(c) && !RESERVED.has(c))) tried.add(key);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

if (!dry) for (const [f, text] of texts) if (versions.get(f) > 0) writeFileSync(f, text);
console.log(`${pkg}: renamed ${renamed} bindings${dry ? " (dry run)" : ""}`);
for (const s of new Set(skipped)) console.log(`  left: ${s}`);
