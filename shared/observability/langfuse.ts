// LiteLLM's `langfuse` callback: each call as a trace and a generation (model, parameters, usage,
// cost, start, end and time to first token, user, session, tags, and the prompt and answer while
// message logging is on), sent in batches to Langfuse's ingestion API (POST /api/public/ingestion,
// Basic auth with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY). The request's `metadata` names the
// trace, session and tags the way LiteLLM reads them (`trace_id`, `session_id`, `tags`, ...).
import { randomUUID } from 'node:crypto';
import type { LangfuseSettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import type { CallLog } from './call-log.ts';
import { ExportQueue } from './export-queue.ts';
import type { Exporter } from './exporter.ts';
import { postJson } from './post-json.ts';

interface IngestionEvent {
  id: string;
  timestamp: string;
  type: 'trace-create' | 'generation-create';
  body: Record<string, unknown>;
}

export function langfuseExporter(settings: LangfuseSettings, log: Log): Exporter {
  const url = `${settings.host}/api/public/ingestion`;
  const headers = { authorization: `Basic ${Buffer.from(`${settings.publicKey}:${settings.secretKey}`).toString('base64')}` };
  const queue = new ExportQueue<IngestionEvent>({
    name: 'langfuse',
    log,
    send: async (batch) => {
      const response = await postJson(url, headers, { batch });
      // 207: each event's own outcome; refused events are what the ingestion API reports instead of a 4xx.
      const outcome = (await response.json().catch(() => ({}))) as { errors?: Array<{ status?: number; message?: string }> };
      if (outcome.errors?.length) throw new Error(`Langfuse refused ${outcome.errors.length} of ${batch.length} events: ${outcome.errors[0]!.message ?? outcome.errors[0]!.status}`);
    },
  });
  return {
    record: (call) => {
      // The trace and the generation each hold the prompt and the answer.
      for (const event of ingestionEvents(call)) queue.push(event, call.bytes);
    },
    flush: () => queue.flush(),
  };
}

function ingestionEvents(call: CallLog): IngestionEvent[] {
  const { ledger, timings, metadata } = call;
  const now = new Date().toISOString();
  const text = (name: string) => (typeof metadata[name] === 'string' ? (metadata[name] as string) : undefined);
  const traceId = text('trace_id') ?? text('existing_trace_id') ?? ledger.request_id;
  const name = `litellm-${ledger.call_type}`;
  const tags = Array.isArray(metadata['tags']) ? metadata['tags'].filter((tag): tag is string => typeof tag === 'string') : undefined;
  const details = {
    model_group: call.requestedModel,
    model_id: ledger.model_id,
    provider: ledger.custom_llm_provider,
    request_id: ledger.request_id,
    status_code: call.status,
    retries: call.retries,
    fallbacks: call.fallbacks,
    usage_estimated: ledger.usage_estimated,
    user_api_key_hash: ledger.api_key === 'master' ? null : ledger.api_key,
    user_api_key_alias: ledger.key_alias,
    user_api_key_team_id: ledger.team_id,
    user_api_key_team_alias: call.caller.teamAlias ?? null,
    user_api_key_user_id: ledger.user,
  };
  const trace: IngestionEvent = {
    id: randomUUID(),
    timestamp: now,
    type: 'trace-create',
    body: {
      id: traceId,
      timestamp: ledger.startTime,
      name: text('trace_name') ?? name,
      userId: text('trace_user_id') ?? ledger.end_user ?? ledger.user ?? undefined,
      sessionId: text('session_id'),
      tags,
      input: call.messages,
      output: call.output,
      metadata: details,
    },
  };
  const generation: IngestionEvent = {
    id: randomUUID(),
    timestamp: now,
    type: 'generation-create',
    body: {
      id: text('generation_id') ?? randomUUID(),
      traceId,
      name: text('generation_name') ?? name,
      startTime: ledger.startTime,
      endTime: ledger.endTime,
      completionStartTime: timings.firstByte !== undefined ? new Date(timings.firstByte).toISOString() : undefined,
      model: ledger.model ?? call.requestedModel,
      modelParameters: call.params,
      input: call.messages,
      output: call.output,
      usageDetails: { input: ledger.prompt_tokens, output: ledger.completion_tokens, total: ledger.total_tokens },
      costDetails: { total: ledger.spend },
      level: call.ok ? 'DEFAULT' : 'ERROR',
      statusMessage: call.error ? (call.error.message ?? call.error.kind) : undefined,
      metadata: details,
    },
  };
  return [trace, generation];
}
