// LiteLLM's `guardrails:` config list as Tollgate reads it: `{guardrail_name, litellm_params: {guardrail,
// mode, default_on, ...}}`, with each engine's own `litellm_params` checked here, so a bad entry fails
// the config at start (and `npm run synth`), never a request.
import * as z from 'zod';
import { PREBUILT_PATTERN_NAMES } from './engines/prebuilt-patterns.ts';

export const GUARDRAIL_MODES = ['pre_call', 'during_call', 'post_call', 'logging_only'] as const;
export type GuardrailMode = (typeof GUARDRAIL_MODES)[number];

const mode = z.enum(GUARDRAIL_MODES, { error: `must be one of ${GUARDRAIL_MODES.join(', ')}` });
const action = z.enum(['BLOCK', 'MASK'], { error: 'must be "BLOCK" or "MASK"' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (from an os.environ/ variable: one that is set)' });
const seconds = z.number().positive();

/** What every engine takes: when it runs, whether for every request, and (remote engines) how it fails. */
const common = {
  mode: z.union([mode, z.array(mode).min(1)], { error: `mode must be one of ${GUARDRAIL_MODES.join(', ')}, or a list of them` }),
  default_on: z.boolean().optional(),
};
/** Remote engines: how long a check may take, and whether a guardrail that cannot answer lets the call through. */
const remote = {
  timeout: seconds.optional(),
  unreachable_fallback: z.enum(['fail_closed', 'fail_open'], { error: 'must be "fail_closed" or "fail_open"' }).optional(),
};

const contentFilter = z.looseObject({
  ...common,
  guardrail: z.literal('litellm_content_filter'),
  patterns: z
    .array(
      z.discriminatedUnion(
        'pattern_type',
        [
          z.looseObject({
            pattern_type: z.literal('prebuilt'),
            pattern_name: z.enum(PREBUILT_PATTERN_NAMES, { error: `must be one of ${PREBUILT_PATTERN_NAMES.join(', ')}` }),
            action,
          }),
          z.looseObject({ pattern_type: z.literal('regex'), pattern: z.string().min(1).refine(compiles, 'is not a valid regular expression'), name: z.string().min(1), action }),
        ],
        { error: 'pattern_type must be "prebuilt" or "regex"' },
      ),
    )
    .optional(),
  blocked_words: z.array(z.looseObject({ keyword: z.string().min(1), action, description: z.string().optional() })).optional(),
  pattern_redaction_format: z.string().includes('{pattern_name}', { error: 'must hold the {pattern_name} placeholder' }).optional(),
  keyword_redaction_tag: z.string().optional(),
});

const bedrock = z.looseObject({
  ...common,
  ...remote,
  guardrail: z.literal('bedrock'),
  guardrailIdentifier: z.string({ error: 'is required: the Bedrock guardrail id or ARN' }).min(1),
  guardrailVersion: z.string({ error: 'is required: "DRAFT" or a version number' }).min(1),
  aws_region_name: z.string().optional(),
  aws_access_key_id: z.string().optional(),
  aws_secret_access_key: z.string().optional(),
  aws_session_token: z.string().optional(),
  aws_bedrock_runtime_endpoint: httpUrl.optional(),
  api_base: httpUrl.optional(),
  mask_request_content: z.boolean().optional(),
  mask_response_content: z.boolean().optional(),
});

const genericApi = z.looseObject({
  ...common,
  ...remote,
  guardrail: z.literal('generic_guardrail_api'),
  api_base: httpUrl,
  api_key: z.string().optional(),
  additional_provider_specific_params: z.record(z.string(), z.unknown()).optional(),
});

const presidio = z.looseObject({
  ...common,
  ...remote,
  guardrail: z.literal('presidio'),
  presidio_analyzer_api_base: httpUrl,
  presidio_anonymizer_api_base: httpUrl,
  presidio_language: z.string().optional(),
  pii_entities_config: z.record(z.string(), action).optional(),
  presidio_score_thresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
  output_parse_pii: z.boolean().optional(),
});

const openaiModeration = z.looseObject({
  ...common,
  ...remote,
  guardrail: z.literal('openai_moderation'),
  api_key: z.string({ error: 'is required: an OpenAI key for the moderation API' }).min(1),
  api_base: httpUrl.optional(),
  model: z.string().optional(),
});

/** LiteLLM's secret redaction (`hide-secrets`): every credential detector, masking. Its `detect_secrets_config` is not read. */
const hideSecrets = z.looseObject({ ...common, guardrail: z.literal('hide-secrets') });

export const GUARDRAIL_ENGINES = ['litellm_content_filter', 'hide-secrets', 'bedrock', 'generic_guardrail_api', 'presidio', 'openai_moderation'] as const;

export const guardrailParamsSchema = z.discriminatedUnion('guardrail', [contentFilter, hideSecrets, bedrock, genericApi, presidio, openaiModeration], {
  error: `guardrail must be one Tollgate runs: ${GUARDRAIL_ENGINES.join(', ')}`,
});
export type GuardrailParams = z.output<typeof guardrailParamsSchema>;
export type ContentFilterParams = z.output<typeof contentFilter>;
export type BedrockGuardrailParams = z.output<typeof bedrock>;
export type GenericGuardrailParams = z.output<typeof genericApi>;
export type PresidioParams = z.output<typeof presidio>;
export type OpenAIModerationParams = z.output<typeof openaiModeration>;

export const guardrailListSchema = z
  .array(z.looseObject({ guardrail_name: z.string().min(1), litellm_params: guardrailParamsSchema }))
  .refine((list) => new Set(list.map((entry) => entry.guardrail_name)).size === list.length, 'each guardrail_name must be unique');
export type GuardrailEntry = z.output<typeof guardrailListSchema>[number];

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'g');
    return true;
  } catch {
    return false;
  }
}
