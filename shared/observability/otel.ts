// OpenTelemetry traces over OTLP/HTTP (protobuf or JSON), with the GenAI semantic conventions: one
// span per model request (continuing the client's W3C `traceparent`), a child span per upstream
// attempt, Tollgate's own attributes beside the `gen_ai.*` ones, and the prompt and answer only while
// message logging is on. Spans are made from each call's log when its batch is sent, with the times
// the call had, so nothing of this runs before the response has gone. Loaded only when `otel` or
// `langfuse_otel` is configured (./exporters.ts).
import { type Attributes, type Context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtlpSettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import type { CallLog } from './call-log.ts';
import { ExportQueue } from './export-queue.ts';
import type { Exporter } from './exporter.ts';

/** The exporter retries within this (a collector that refuses connections too): what one failed flush may cost. */
const EXPORT_TIMEOUT_MS = 3_000;

/** `gen_ai.provider.name`'s well-known values, by Tollgate's provider prefix; other prefixes go as they are. */
const GEN_AI_PROVIDERS: Record<string, string> = {
  azure: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  vertex_ai: 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  watsonx: 'ibm.watsonx.ai',
};

/** `gen_ai.operation.name` by LiteLLM's call type. */
const OPERATIONS: Record<string, string> = { acompletion: 'chat', anthropic_messages: 'chat', aembedding: 'embeddings', atext_completion: 'text_completion' };

/** The sampling parameters the conventions name, from the request's own names. */
const REQUEST_ATTRIBUTES: Record<string, string> = {
  temperature: 'gen_ai.request.temperature',
  top_p: 'gen_ai.request.top_p',
  top_k: 'gen_ai.request.top_k',
  max_tokens: 'gen_ai.request.max_tokens',
  max_completion_tokens: 'gen_ai.request.max_tokens',
  frequency_penalty: 'gen_ai.request.frequency_penalty',
  presence_penalty: 'gen_ai.request.presence_penalty',
  stop: 'gen_ai.request.stop_sequences',
  stop_sequences: 'gen_ai.request.stop_sequences',
  seed: 'gen_ai.request.seed',
  n: 'gen_ai.request.choice.count',
};

export function otlpExporter(settings: OtlpSettings, name: string, log: Log): Exporter {
  const options = { url: settings.url, headers: settings.headers, timeoutMillis: EXPORT_TIMEOUT_MS };
  const exporter: SpanExporter = settings.protocol === 'http/json' ? new JsonTraceExporter(options) : new ProtobufTraceExporter(options);
  const finished: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [{ onStart() {}, onEnd: (span) => void finished.push(span), forceFlush: async () => {}, shutdown: async () => {} }],
  });
  const tracer = provider.getTracer('tollgate');
  const propagator = new W3CTraceContextPropagator();

  const queue = new ExportQueue<CallLog>({
    name,
    log,
    send: async (calls) => {
      for (const call of calls) {
        const parent = propagator.extract(ROOT_CONTEXT, { ...call.traceContext }, defaultTextMapGetter);
        spansOf(call, parent, tracer);
      }
      const spans = finished.splice(0);
      await new Promise<void>((resolve, reject) =>
        exporter.export(spans, (result) => (result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('the collector refused the spans')))),
      );
    },
  });
  return { record: (call) => queue.push(call, call.bytes), flush: () => queue.flush() };
}

function spansOf(call: CallLog, parent: Context, tracer: Tracer): void {
  const operation = OPERATIONS[call.ledger.call_type] ?? call.ledger.call_type;
  const request = tracer.startSpan(`${operation} ${call.requestedModel}`, { kind: SpanKind.SERVER, startTime: call.timings.start, attributes: requestAttributes(call, operation) }, parent);
  if (call.timings.firstByte !== undefined) request.addEvent('gen_ai.first_token', call.timings.firstByte);
  if (call.error) {
    request.setAttribute('error.type', call.error.type);
    request.setStatus({ code: SpanStatusCode.ERROR, message: call.error.message });
  }
  const inside = trace.setSpan(parent, request);
  for (const attempt of call.attempts) {
    const span = tracer.startSpan(
      `${operation} ${attempt.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: attempt.start,
        attributes: {
          'gen_ai.operation.name': operation,
          'gen_ai.provider.name': providerName(attempt.provider),
          'gen_ai.request.model': attempt.model,
          'tollgate.deployment.id': attempt.deploymentId,
          'tollgate.model_group': attempt.modelGroup,
        },
      },
      inside,
    );
    if (attempt.error) {
      span.setAttribute('error.type', attempt.error.kind);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(attempt.end);
  }
  request.end(call.timings.end);
}

function requestAttributes(call: CallLog, operation: string): Attributes {
  const { ledger } = call;
  const attributes: Attributes = {
    'gen_ai.operation.name': operation,
    'gen_ai.request.model': call.requestedModel,
    'http.response.status_code': call.status,
    'tollgate.request_id': ledger.request_id,
    'tollgate.call_type': ledger.call_type,
    'tollgate.stream': call.stream,
    'tollgate.retries': call.retries,
    'tollgate.fallbacks': call.fallbacks,
    'tollgate.cost.usd': ledger.spend,
    'tollgate.cost.provider_usd': ledger.provider_cost,
    'tollgate.usage_estimated': ledger.usage_estimated,
  };
  for (const [param, value] of Object.entries(call.params)) {
    const name = REQUEST_ATTRIBUTES[param];
    if (name) attributes[name] = typeof value === 'string' ? [value] : (value as number | string[]);
  }
  if (ledger.custom_llm_provider) attributes['gen_ai.provider.name'] = providerName(ledger.custom_llm_provider);
  if (ledger.model) attributes['gen_ai.response.model'] = ledger.model;
  if (ledger.total_tokens > 0 || call.ok) {
    attributes['gen_ai.usage.input_tokens'] = ledger.prompt_tokens;
    attributes['gen_ai.usage.output_tokens'] = ledger.completion_tokens;
  }
  if (call.finishReasons.length) attributes['gen_ai.response.finish_reasons'] = [...call.finishReasons];
  if (ledger.model_id) attributes['tollgate.deployment.id'] = ledger.model_id;
  if (ledger.key_alias) attributes['tollgate.key.alias'] = ledger.key_alias;
  if (ledger.api_key && ledger.api_key !== 'master') attributes['tollgate.key.hash'] = ledger.api_key;
  if (ledger.team_id) attributes['tollgate.team.id'] = ledger.team_id;
  if (call.caller.teamAlias) attributes['tollgate.team.alias'] = call.caller.teamAlias;
  if (ledger.user) attributes['tollgate.user.id'] = ledger.user;
  if (ledger.end_user) attributes['tollgate.end_user'] = ledger.end_user;
  if (call.messages !== undefined) attributes['gen_ai.input.messages'] = JSON.stringify(call.messages);
  if (call.output !== undefined) {
    attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: call.output }], finish_reason: call.finishReasons[0] ?? null }]);
  }
  return attributes;
}

function providerName(prefix: string): string {
  return GEN_AI_PROVIDERS[prefix] ?? prefix;
}
