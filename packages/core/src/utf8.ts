const NON_ASCII = /[^\0-\x7f]/;

/** UTF-8 byte length of a string without encoding it. */
export function utf8Length(s: string): number {
  // Serialized events are nearly always ASCII: the engine's regex scan finds that 4-6x faster than a loop.
  const start = s.search(NON_ASCII);
  if (start < 0) return s.length;
  let bytes = s.length;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    bytes += c < 0x800 ? 1 : 2;
    // A high surrogate and the unit after it are a pair: 2 UTF-16 units, 4 UTF-8 bytes.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
  }
  return bytes;
}
