/**
 * Parsed statements and expressions by their text, bounded: the SDK clients send the same few
 * texts on every request (values travel apart, as placeholders or parameters), so parsing each text
 * once takes the tokenizer off the per-call path. When full, the oldest entry goes first. A text
 * that fails to parse is not kept: its error is raised again each time.
 */
export class ParseCache<T> {
  readonly #entries = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(text: string, parse: (text: string) => T): T {
    const cached = this.#entries.get(text);
    if (cached !== undefined) return cached;
    const parsed = parse(text);
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(text, parsed);
    return parsed;
  }

  get size(): number {
    return this.#entries.size;
  }
}
