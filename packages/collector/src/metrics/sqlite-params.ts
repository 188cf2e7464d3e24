/**
 * The text values of one report's SQLite queries, bound by name: a value never becomes SQL text, so no
 * character (NUL, quotes, backslashes, newlines) can end a literal or the statement early. Each distinct
 * value gets one name; every query of the report binds the whole set (SQLite ignores names it does not use).
 */
export class SqliteParams {
  readonly values: Record<string, string> = {};
  private readonly names = new Map<string, string>();

  /** The placeholder (`@v0`, `@v1`, ...) that stands for `value` in this report's queries. */
  placeholder(value: string): string {
    let name = this.names.get(value);
    if (name === undefined) {
      name = `v${this.names.size}`;
      this.names.set(value, name);
      this.values[name] = value;
    }
    return `@${name}`;
  }
}
