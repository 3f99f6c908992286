// The placeholders of a DynamoDB expression: every attribute name becomes `#n<i>` and every value
// `:v<i>`, so that no name clashes with a reserved word and no value is written into the text.
// Shared by the writes of the spend counters (item-change.ts) and the ledger's queries (ledger.ts).
export class ExpressionParts {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  /** How many values there are: counting the object's keys per value made a long expression quadratic. */
  private valueCount = 0;
  private readonly conditions: string[] = [];

  /** The placeholder of an attribute name. */
  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** The placeholder of a value. */
  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** A condition, in terms of `name()` and `value()` placeholders; all conditions must hold. */
  when(condition: string): void {
    this.conditions.push(condition);
  }

  /** Every condition, each in parentheses, joined with AND; undefined without any. */
  condition(): string | undefined {
    return this.conditions.length ? this.conditions.map((c) => `(${c})`).join(' AND ') : undefined;
  }

  attributeNames(): Record<string, string> {
    return Object.fromEntries([...this.names].map(([attribute, placeholder]) => [placeholder, attribute]));
  }

  attributeValues(): Record<string, unknown> | undefined {
    return this.valueCount ? this.values : undefined;
  }
}
