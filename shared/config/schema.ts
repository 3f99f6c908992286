// LiteLLM's config.yaml shape, as far as Tollgate reads it. Sections are loose: keys not listed here
// are reported once at start by `unsupportedKeys` and otherwise ignored.
import { z } from 'zod';

const positiveSeconds = z.number().positive();

export const litellmParamsSchema = z.looseObject({
  model: z.string().min(1, 'must name "<provider>/<model>"'),
  api_base: z.url({ protocol: /^https?$/ }).optional(),
  api_key: z.string().optional(),
  api_version: z.string().optional(),
  timeout: positiveSeconds.optional(),
  stream_timeout: positiveSeconds.optional(),
  max_retries: z.number().int().min(0).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  weight: z.number().positive().optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
});

export const modelEntrySchema = z.looseObject({
  model_name: z.string().min(1),
  litellm_params: litellmParamsSchema,
  model_info: z.record(z.string(), z.unknown()).optional(),
});

export const configSchema = z.looseObject({
  model_list: z.array(modelEntrySchema).default([]),
  general_settings: z.looseObject({ master_key: z.string().min(1).optional() }).optional(),
  router_settings: z.looseObject({ routing_strategy: z.string().optional() }).optional(),
  litellm_settings: z.looseObject({ drop_params: z.boolean().optional() }).optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

/** Keys Tollgate acts on today, per section. Everything else a LiteLLM file may hold is warned about. */
export const SUPPORTED_KEYS = {
  top: ['model_list', 'general_settings', 'router_settings', 'litellm_settings'],
  entry: ['model_name', 'litellm_params', 'model_info'],
  litellm_params: ['model', 'api_base', 'api_key', 'api_version', 'timeout', 'stream_timeout', 'rpm', 'tpm', 'weight', 'extra_headers'],
  general_settings: ['master_key'],
  router_settings: ['routing_strategy'],
  litellm_settings: ['drop_params'],
} as const;

/** Routing strategies Tollgate implements; others are warned about and fall back to the first. */
export const SUPPORTED_ROUTING_STRATEGIES = ['simple-shuffle'];
