// Builds one DynamoDB UpdateItem (SET, ADD, REMOVE and a condition) from parts, with placeholders for every
// attribute name and value, so callers can merge the writes of several meters into one round trip.
import { usd } from '../pricing/usd.ts';

export class UpdateExpression {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly adds = new Map<string, number>();
  private readonly removes: string[] = [];
  /** The attributes `remove` named, as they are called. */
  readonly removed: string[] = [];
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
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** Adds to a number (DynamoDB creates it at 0); adds to one attribute are summed. */
  add(attribute: string, amount: number): this {
    this.adds.set(attribute, usd((this.adds.get(attribute) ?? 0) + amount));
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    this.removed.push(attribute);
    return this;
  }

  /** A condition, in terms of `name()` and `value()` placeholders; all conditions must hold. */
  when(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** `attribute = value`, or that the attribute is absent when `value` is undefined. */
  whenEquals(attribute: string, value: unknown): this {
    return this.when(value === undefined ? `attribute_not_exists(${this.name(attribute)})` : `${this.name(attribute)} = ${this.value(value)}`);
  }

  toInput(): { UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    const adds = [...this.adds].map(([attribute, amount]) => `${this.name(attribute)} ${this.value(amount)}`);
    const clauses = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter(Boolean);
    return {
      UpdateExpression: clauses.join(' '),
      ConditionExpression: this.conditions.length ? this.conditions.map((c) => `(${c})`).join(' AND ') : undefined,
      ExpressionAttributeNames: Object.fromEntries([...this.names].map(([attribute, placeholder]) => [placeholder, attribute])),
      ExpressionAttributeValues: Object.keys(this.values).length ? this.values : undefined,
    };
  }
}
