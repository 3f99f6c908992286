// The most tokens a request can use on one deployment, from what the request bounds (its size, `n`,
// `max_tokens`) and what the model bounds (its context window and max output). Two ceilings: the one
// a budget reserves (as tight as the gateway can know, and never below an honest upstream's usage
// for what the body shows), and the one past which reported usage is impossible and not believed.
import type { Deployment } from '../config/types.ts';
import type { Usage } from '../openai/types.ts';
import type { ModelPrice } from './types.ts';
import type { UnitUsage } from './units.ts';

/** What a request's body says about its size, measured without a tokenizer (shared/pipeline/request-size.ts). */
export interface RequestSize {
  /**
   * Tokens each input can make at most, as far as the body shows: the UTF-8 bytes of its text and
   * JSON (a byte-level tokenizer never makes more tokens than bytes) plus allowances for images and
   * tool definitions. One input for chat; one per item for embeddings (each has its own context).
   */
  inputTokens: number[];
  /** The provider reads input the body does not hold (files by id, server-side tools, cached content): up to the whole context. */
  unmeasuredInput: boolean;
  /** Answers asked for (`n`): each may use the whole output limit. */
  choices: number;
  /** The output limit the upstream is given (`max_tokens` and what the provider adds for thinking); undefined when the request sets none. */
  maxOutputTokens?: number;
  /** Calls priced in other units (./units.ts): the most of each the request can use, reserved like tokens. */
  units?: UnitUsage;
  /** The price entry for the request's options, where the table has one (`hd/1024-x-1024`: ./price-table.ts). */
  priceVariant?: string;
}

export interface UsageCeiling {
  promptTokens: number;
  completionTokens: number;
}

/** Output reserved when neither the request nor the model bounds it (LiteLLM's default). */
const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;
/** Context assumed for a model whose context window is configured nowhere. */
const DEFAULT_CONTEXT_TOKENS = 200_000;
/** More tokens than any model reads or writes in one request: counts past it are not usage. */
const IMPOSSIBLE_TOKENS = 100_000_000;

/** What a budget reserves for the request on `deployment`. */
export function reservedUsage(size: RequestSize, deployment: Deployment, price: ModelPrice | undefined): UsageCeiling {
  const context = contextOf(deployment, price) ?? DEFAULT_CONTEXT_TOKENS;
  const modelOutput = maxOutputOf(deployment, price);
  const perInput = size.unmeasuredInput ? size.inputTokens.map(() => context) : size.inputTokens.map((tokens) => Math.min(tokens, context));
  const output = size.maxOutputTokens === undefined ? (modelOutput ?? DEFAULT_MAX_OUTPUT_TOKENS) : Math.min(size.maxOutputTokens, modelOutput ?? Infinity);
  return { promptTokens: sum(perInput), completionTokens: size.choices * output };
}

/**
 * The most an honest upstream can report for the request on `deployment`: the context window for
 * each input, and the request's output limit (else the model's) for each answer.
 */
export function possibleUsage(size: RequestSize, deployment: Deployment, price: ModelPrice | undefined): UsageCeiling {
  const context = contextOf(deployment, price) ?? IMPOSSIBLE_TOKENS;
  const output = size.maxOutputTokens ?? maxOutputOf(deployment, price) ?? IMPOSSIBLE_TOKENS;
  return { promptTokens: size.inputTokens.length * context, completionTokens: size.choices * output };
}

/** A ceiling as usage (e.g. an estimate clamped to it). */
export function ceilingUsage(ceiling: UsageCeiling): Usage {
  return { prompt_tokens: ceiling.promptTokens, completion_tokens: ceiling.completionTokens, total_tokens: ceiling.promptTokens + ceiling.completionTokens };
}

function contextOf(deployment: Deployment, price: ModelPrice | undefined): number | undefined {
  return deployment.maxInputTokens ?? positive(deployment.modelInfo['max_input_tokens']) ?? price?.max_input_tokens;
}

function maxOutputOf(deployment: Deployment, price: ModelPrice | undefined): number | undefined {
  return positive(deployment.modelInfo['max_output_tokens']) ?? price?.max_output_tokens;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
