/**
 * The offset of the first syntax error in a JSON text, or -1 when it is valid. V8's JSON.parse
 * does not always say where it failed ("Unexpected token '}', ... is not valid JSON"), and
 * senders need the place. Runs only after JSON.parse has failed; iterative, so deep nesting is safe.
 */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const stack: ("[" | "{")[] = [];
  const ws = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\n" || s[i] === "\r" || s[i] === "\t")) i++;
  };
  const str = (): boolean => {
    if (s[i] !== '"') return false;
    i++;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return true;
      }
      if (ch < 0x20) return false;
      if (ch === 0x5c) {
        const e = s[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const scalar = (): boolean => {
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // One value, then whatever closes or continues the containers around it.
  for (;;) {
    ws();
    if (s[i] === "[" || s[i] === "{") {
      const open = s[i] as "[" | "{";
      i++;
      ws();
      if (s[i] === (open === "[" ? "]" : "}")) i++;
      else {
        stack.push(open);
        if (open === "{") {
          if (!str()) return i;
          ws();
          if (s[i] !== ":") return i;
          i++;
        }
        continue;
      }
    } else if (!(s[i] === '"' ? str() : scalar())) return i;
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < s.length ? i : -1;
      if (s[i] === ",") {
        i++;
        if (top === "{") {
          ws();
          if (!str()) return i;
          ws();
          if (s[i] !== ":") return i;
          i++;
        }
        break;
      }
      if (s[i] !== (top === "[" ? "]" : "}")) return i;
      stack.pop();
      i++;
    }
  }
}
