/**
 * The offset of the first syntax error in a JSON text, or -1 when it is valid. V8's JSON.parse
 * does not always say where it failed ("Unexpected token '}', ... is not valid JSON"), and
 * senders need the place. Runs only after JSON.parse has failed; iterative, so deep nesting is safe.
 */
export function jsonErrorOffset(text: string): number {
  let index = 0;
  const stack: ("[" | "{")[] = [];
  const ws = () => {
    while (
      index < text.length &&
      (text[index] === " " || text[index] === "\n" || text[index] === "\r" || text[index] === "\t")
    )
      index++;
  };
  const str = (): boolean => {
    if (text[index] !== '"') return false;
    index++;
    while (index < text.length) {
      const ch = text.charCodeAt(index);
      if (ch === 0x22) {
        index++;
        return true;
      }
      if (ch < 0x20) return false;
      if (ch === 0x5c) {
        const entry = text[index + 1];
        if (entry === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return false;
          index += 6;
        } else if (entry !== undefined && '"\\/bfnrt'.includes(entry)) index += 2;
        else return false;
      } else index++;
    }
    return false;
  };
  const scalar = (): boolean => {
    const regExpExecArray = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(index, index + 400),
    );
    if (!regExpExecArray) return false;
    index += regExpExecArray[0].length;
    return true;
  };
  // One value, then whatever closes or continues the containers around it.
  for (;;) {
    ws();
    if (text[index] === "[" || text[index] === "{") {
      const open = text[index] as "[" | "{";
      index++;
      ws();
      if (text[index] === (open === "[" ? "]" : "}")) index++;
      else {
        stack.push(open);
        if (open === "{") {
          if (!str()) return index;
          ws();
          if (text[index] !== ":") return index;
          index++;
        }
        continue;
      }
    } else if (!(text[index] === '"' ? str() : scalar())) return index;
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return index < text.length ? index : -1;
      if (text[index] === ",") {
        index++;
        if (top === "{") {
          ws();
          if (!str()) return index;
          ws();
          if (text[index] !== ":") return index;
          index++;
        }
        break;
      }
      if (text[index] !== (top === "[" ? "]" : "}")) return index;
      stack.pop();
      index++;
    }
  }
}
