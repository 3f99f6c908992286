// One conditional change of an item, said in terms of its attributes: what to SET, ADD and REMOVE, and
// the conditions it is made on. The spend tracker says what its writes change (shared/spend/meter-plan.ts);
// counter-items.ts sends them as one UpdateItem, so that the writes of several meters merge into one
// round trip. Only this module writes DynamoDB's expression syntax for them.
import { usd } from '../pricing/usd.ts';
import { ExpressionParts } from './expression-parts.ts';

export class ItemChange {
  private readonly parts = new ExpressionParts();
  private readonly sets: string[] = [];
  private readonly adds = new Map<string, number>();
  private readonly removes: string[] = [];
  /** The attributes `remove` named, as they are called. */
  readonly removed: string[] = [];

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.parts.name(attribute)} = ${this.parts.value(value)}`);
    return this;
  }

  /**
   * Adds to a number (DynamoDB creates it at 0). Adds to one attribute are summed, in whole
   * nano-dollars (shared/pricing/usd.ts): counters hold dollar amounts and counts, which that keeps exact.
   */
  add(attribute: string, amount: number): this {
    this.adds.set(attribute, usd((this.adds.get(attribute) ?? 0) + amount));
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.parts.name(attribute));
    this.removed.push(attribute);
    return this;
  }

  /** `attribute = value`, or that the attribute is absent when `value` is undefined. */
  whenEquals(attribute: string, value: unknown): this {
    return this.when(value === undefined ? `attribute_not_exists(${this.parts.name(attribute)})` : `${this.parts.name(attribute)} = ${this.parts.value(value)}`);
  }

  /** The attribute is there, whatever it holds. */
  whenPresent(attribute: string): this {
    return this.when(`attribute_exists(${this.parts.name(attribute)})`);
  }

  /** The attribute is absent, or holds another value than `value`. */
  whenDiffers(attribute: string, value: unknown): this {
    const name = this.parts.name(attribute);
    return this.when(`attribute_not_exists(${name}) OR ${name} <> ${this.parts.value(value)}`);
  }

  /** The attribute is a number below `value` (an absent one is not). */
  whenBelow(attribute: string, value: number): this {
    return this.when(`${this.parts.name(attribute)} < ${this.parts.value(value)}`);
  }

  /** The attribute is a number at most `value` (an absent one is not). */
  whenAtMost(attribute: string, value: number): this {
    return this.when(`${this.parts.name(attribute)} <= ${this.parts.value(value)}`);
  }

  /** The attribute is a number at least `value` (an absent one is not). */
  whenAtLeast(attribute: string, value: number): this {
    return this.when(`${this.parts.name(attribute)} >= ${this.parts.value(value)}`);
  }

  /** The attribute holds one of `values`. */
  whenOneOf(attribute: string, values: unknown[]): this {
    return this.when(`${this.parts.name(attribute)} IN (${values.map((value) => this.parts.value(value)).join(', ')})`);
  }

  /** The attribute is a list whose first element is `value` (an absent one is not). */
  whenFirstEquals(attribute: string, value: unknown): this {
    return this.when(`${this.parts.name(attribute)}[0] = ${this.parts.value(value)}`);
  }

  /** The UpdateItem parts: its update expression, its condition, and the placeholders of both. */
  toInput(): { UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    const adds = [...this.adds].map(([attribute, amount]) => `${this.parts.name(attribute)} ${this.parts.value(amount)}`);
    const clauses = [this.sets.length ? `SET ${this.sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '', this.removes.length ? `REMOVE ${this.removes.join(', ')}` : ''].filter(
      Boolean,
    );
    return {
      UpdateExpression: clauses.join(' '),
      ConditionExpression: this.parts.condition(),
      ExpressionAttributeNames: this.parts.attributeNames(),
      ExpressionAttributeValues: this.parts.attributeValues(),
    };
  }

  private when(condition: string): this {
    this.parts.when(condition);
    return this;
  }
}
