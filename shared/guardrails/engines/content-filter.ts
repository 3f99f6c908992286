// LiteLLM's built-in `litellm_content_filter`, in process: prebuilt detectors by name, custom regexes
// and blocked words, each with `action: BLOCK` (the call is refused) or `MASK` (the match is replaced
// by a tag: `[EMAIL_REDACTED]`, `[KEYWORD_REDACTED]`, or the configured formats).
import type { ContentFilterParams } from '../config-schema.ts';
import type { CheckInput, GuardrailEngine, Verdict } from '../engine.ts';
import { type Detector, prebuiltDetector } from './prebuilt-patterns.ts';

interface Rule {
  /** What a block names: the pattern's name, or the blocked word as configured. */
  name: string;
  detector: Detector;
  action: 'BLOCK' | 'MASK';
  tag: string;
}

const DEFAULT_PATTERN_FORMAT = '[{pattern_name}_REDACTED]';
const DEFAULT_KEYWORD_TAG = '[KEYWORD_REDACTED]';

export function contentFilter(params: ContentFilterParams): GuardrailEngine {
  const rules = rulesOf(params);
  // Blocks first: a text that is refused is not worth masking.
  const blocks = rules.filter((rule) => rule.action === 'BLOCK');
  const masks = rules.filter((rule) => rule.action === 'MASK');
  return {
    remote: false,
    check: async (input) => filter(input, blocks, masks),
  };
}

function filter({ texts }: CheckInput, blocks: Rule[], masks: Rule[]): Verdict {
  for (const text of texts) {
    for (const rule of blocks) {
      if (matches(text, rule.detector).length) return { action: 'block', reason: `${rule.name} detected` };
    }
  }
  const detected = new Set<string>();
  const masked = texts.map((text) => {
    let result = text;
    for (const rule of masks) {
      const found = matches(result, rule.detector);
      if (!found.length) continue;
      detected.add(rule.name);
      // From the end, so earlier offsets stay true.
      for (const match of found.reverse()) result = result.slice(0, match.index) + rule.tag + result.slice(match.index + match.text.length);
    }
    return result;
  });
  return detected.size ? { action: 'mask', texts: masked, detected: [...detected] } : { action: 'allow' };
}

function matches(text: string, detector: Detector): Array<{ index: number; text: string }> {
  const found: Array<{ index: number; text: string }> = [];
  for (const match of text.matchAll(detector.regex)) {
    if (!detector.valid || detector.valid(match[0])) found.push({ index: match.index, text: match[0] });
  }
  return found;
}

function rulesOf(params: ContentFilterParams): Rule[] {
  const format = params.pattern_redaction_format ?? DEFAULT_PATTERN_FORMAT;
  const patternTag = (name: string) => format.replaceAll('{pattern_name}', name.toUpperCase());
  const patterns = (params.patterns ?? []).map((pattern): Rule => {
    if (pattern.pattern_type === 'prebuilt')
      return { name: `${pattern.pattern_name} pattern`, detector: prebuiltDetector(pattern.pattern_name), action: pattern.action, tag: patternTag(pattern.pattern_name) };
    return { name: `${pattern.name} pattern`, detector: { regex: new RegExp(pattern.pattern, 'g') }, action: pattern.action, tag: patternTag(pattern.name) };
  });
  const keywordTag = params.keyword_redaction_tag ?? DEFAULT_KEYWORD_TAG;
  const words = (params.blocked_words ?? []).map((word): Rule => ({ name: `blocked word "${word.keyword}"`, detector: { regex: keywordRegex(word.keyword) }, action: word.action, tag: keywordTag }));
  return [...patterns, ...words];
}

/** Case-insensitive, and a whole word where the keyword starts or ends with a letter or digit ("blue", not "blueberry"). */
function keywordRegex(keyword: string): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = /^\w/.test(keyword) ? '\\b' : '';
  const end = /\w$/.test(keyword) ? '\\b' : '';
  return new RegExp(`${start}${escaped}${end}`, 'gi');
}
