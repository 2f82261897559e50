// Strings many subscriptions hold equal copies of (stream names built per subscribe, such as `account_<id>` or a
// GlobalID broadcasting), kept once per process: the first copy seen is handed to every later holder. The table is a
// cache bounded by the characters it holds: names can derive from client input, and a client cycling through new ones
// only makes it start over (a holder keeps the string it was given).

/** One copy per distinct string, up to `maxChars` characters in all. */
export class SharedStrings {
  private readonly table = new Map<string, string>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The shared copy of `value` (`value` itself the first time). */
  get(value: string): string {
    const known = this.table.get(value);
    if (known !== undefined) return known;
    this.chars += value.length;
    if (this.chars > this.maxChars) {
      this.table.clear();
      this.chars = value.length;
    }
    this.table.set(value, value);
    return value;
  }
}

/** Stream names (about 8 MB of strings at most). */
export const streamNames = new SharedStrings(4 * 2 ** 20);
