// The share of declarations with one-letter names (STYLE.md 13: locals get real names; the
// minifier renames them for free), per package, over `src/` without tests. Counts variables
// (destructured ones too), parameters, catch bindings, functions, classes, interfaces, type
// aliases, members and enum members; not type parameters (`T` is the convention) and not `_`
// (an ignored slot).
//
//   node scripts/one-letter-names.mjs [package ...]        (default: core collector)
//   node scripts/one-letter-names.mjs --list core          (also print each one-letter name and where)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const list = args.includes("--list");
const packages = args.filter((a) => !a.startsWith("--"));

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts")) yield path;
  }
}

function namesIn(file) {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names = [];
  const add = (node) => {
    if (node && ts.isIdentifier(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      names.push({ name: node.text, line: line + 1 });
    } else if (node && (ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))) {
      for (const element of node.elements) if (ts.isBindingElement(element)) add(element.name);
    }
  };
  const visit = (node) => {
    if (
      ts.isVariableDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isPropertySignature(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isMethodSignature(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isEnumMember(node) ||
      (ts.isFunctionExpression(node) && node.name)
    )
      add(node.name);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names.filter((n) => n.name !== "_");
}

for (const pkg of packages.length > 0 ? packages : ["core", "collector"]) {
  const src = join(root, "packages", pkg, "src");
  let total = 0;
  const short = [];
  for (const file of sourceFiles(src)) {
    for (const n of namesIn(file)) {
      total++;
      if (n.name.length === 1) short.push(`${relative(root, file)}:${n.line} ${n.name}`);
    }
  }
  const share = total === 0 ? 0 : (100 * short.length) / total;
  console.log(`${pkg}: ${short.length} of ${total} declarations have one-letter names (${share.toFixed(1)}%)`);
  if (list) for (const line of short) console.log(`  ${line}`);
}
