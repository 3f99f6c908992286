// A `model_name` or `litellm_params.model` with `*`s, matched as LiteLLM's pattern router does: each
// `*` takes any run of characters, the match is anchored at the start of the name only, and when
// several patterns match, the most specific wins: the longest pattern as LiteLLM writes it as a
// regular expression (Python's re.escape, `*` as `(.*)`), then the one with the most regex characters.

/** The characters Python's re.escape puts a backslash before. */
const PYTHON_ESCAPED = new Set('()[]{}?*+-|^$\\.&~# \t\n\r\v\f');
const COMPLEXITY = new Set(['*', '+', '?', '\\', '^', '$', '|', '(', ')']);

export class WildcardPattern {
  readonly wildcards: number;
  private readonly prefixRegex: RegExp;
  private readonly wholeRegex: RegExp;
  private readonly length: number;
  private readonly complexity: number;

  constructor(readonly text: string) {
    const parts = text.split('*');
    this.wildcards = parts.length - 1;
    const source = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('(.*)');
    this.prefixRegex = new RegExp(`^${source}`, 's');
    this.wholeRegex = new RegExp(`^${source}$`, 's');
    const asLiteLLMWritesIt = parts.map((part) => [...part].map((c) => (PYTHON_ESCAPED.has(c) ? `\\${c}` : c)).join('')).join('(.*)');
    this.length = asLiteLLMWritesIt.length;
    this.complexity = [...asLiteLLMWritesIt].filter((c) => COMPLEXITY.has(c)).length;
  }

  static isPattern(name: string): boolean {
    return name.includes('*');
  }

  /** Sorts the most specific pattern first. */
  static bySpecificity(a: WildcardPattern, b: WildcardPattern): number {
    return b.length - a.length || b.complexity - a.complexity;
  }

  /** What each `*` took, when `name` starts with a match of the pattern. */
  match(name: string): string[] | undefined {
    return this.prefixRegex.exec(name)?.slice(1);
  }

  /** What each `*` took, when all of `name` matches the pattern. */
  matchWhole(name: string): string[] | undefined {
    return this.wholeRegex.exec(name)?.slice(1);
  }

  /** The pattern with its `*`s replaced, in order, by `segments` (any `*` left over stays). */
  fill(segments: readonly string[]): string {
    let filled = this.text;
    for (const segment of segments) filled = filled.replace('*', () => segment);
    return filled;
  }
}
