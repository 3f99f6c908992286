// LiteLLM's logging callbacks, configured as a LiteLLM config.yaml configures them, against local
// fakes that speak each protocol: a chat request through the local server shows up as a GenAI span
// in an OTLP collector, as a generation in Langfuse, in GET /metrics, and as a line in S3, each with
// the model, the tokens and the cost.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLangfuse, type FakeLangfuse } from '../helpers/fake-langfuse.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startFakeCollector, type FakeCollector } from '../helpers/fake-otlp-collector.ts';
import { startFakeS3, type FakeS3 } from '../helpers/fake-s3.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';
import { eventually } from '../helpers/eventually.ts';

const MASTER = 'sk-obs-master';
const UPSTREAM_KEY = 'sk-upstream-secret-1234';
const LANGFUSE_SECRET = 'sk-lf-secret-5678';
const S3_SECRET = 'fake-s3-secret-9012';
const SECRETS = [MASTER, UPSTREAM_KEY, LANGFUSE_SECRET, S3_SECRET];

let upstream: RecordingServer;
let collector: FakeCollector;
let langfuse: FakeLangfuse;
let s3: FakeS3;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models: { 'gpt-4o': { maxOutputTokens: 16384, reasoning: false } } });
  collector = await startFakeCollector();
  langfuse = await startFakeLangfuse('pk-lf-public', LANGFUSE_SECRET);
  s3 = await startFakeS3('tollgate-logs');
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
litellm_settings:
  callbacks: ["otel", "prometheus"]
  success_callback: ["langfuse", "s3"]
  s3_callback_params:
    s3_bucket_name: tollgate-logs
    s3_region_name: us-east-1
    s3_path: requests
    s3_endpoint_url: ${s3.url}
    s3_aws_access_key_id: fake-access-key
    s3_aws_secret_access_key: ${S3_SECRET}
general_settings: { master_key: ${MASTER} }
`,
    {
      OPENAI_KEY: UPSTREAM_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      LANGFUSE_PUBLIC_KEY: 'pk-lf-public',
      LANGFUSE_SECRET_KEY: LANGFUSE_SECRET,
      LANGFUSE_HOST: langfuse.url,
    },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([upstream, collector, langfuse, s3].map((server) => server.close()));
});

describe('a chat request with every callback configured', () => {
  it('is a GenAI span, a Langfuse generation, Prometheus samples and an S3 line, each with model, tokens and cost', async () => {
    const { data: completion, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }], temperature: 0.2 }).withResponse();
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const cost = Number(response.headers.get('x-litellm-response-cost'));
    const { prompt_tokens: input, completion_tokens: output } = completion.usage!;
    expect(cost).toBeGreaterThan(0);

    const span = await eventually(async () => {
      await gateway.flush();
      return collector.spans.find((s) => s.attributes['tollgate.request_id'] === requestId);
    });
    expect(span.encoding).toBe('application/x-protobuf');
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.temperature': 0.2,
      'tollgate.cost.usd': cost,
    });
    expect(span.resource['service.name']).toBe('tollgate');

    const generation = await eventually(async () => {
      await gateway.flush();
      return [...langfuse.generations.values()].find((g) => g.traceId === requestId);
    });
    expect(generation).toMatchObject({ model: 'gpt-4o', usageDetails: { input, output, total: input + output }, costDetails: { total: cost }, modelParameters: { temperature: 0.2 } });
    expect(langfuse.traces.get(requestId)).toMatchObject({ name: 'litellm-acompletion', input: [{ role: 'user', content: 'Say hello' }] });

    const metrics = await fetch(`${gateway.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheusTextFormat(await metrics.text());
    const sample = (name: string) => families.find((family) => family.name === name)?.metrics.find((m) => m.labels?.model === 'gpt-4o' || m.labels?.requested_model === 'gpt-4o');
    expect(Number(sample('litellm_requests_metric_total')?.value)).toBe(1);
    expect(Number(sample('litellm_spend_metric_total')?.value)).toBeCloseTo(cost, 12);
    expect(Number(sample('litellm_input_tokens_total')?.value)).toBe(input);
    expect(Number(sample('litellm_output_tokens_total')?.value)).toBe(output);
    expect(Number(sample('litellm_total_tokens_total')?.value)).toBe(input + output);
    // This parser keeps a histogram's buckets (not its labels): one request, in the +Inf bucket of each.
    const observed = (name: string) => Number(families.find((family) => family.name === name)?.metrics[0]?.buckets?.['+Inf']);
    expect(observed('litellm_request_total_latency_metric')).toBe(1);
    expect(observed('litellm_llm_api_latency_metric')).toBe(1);

    const reader = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: { accessKeyId: 'fake-access-key', secretAccessKey: S3_SECRET } });
    const objects = await eventually(async () => {
      await gateway.flush();
      const listed = await reader.send(new ListObjectsV2Command({ Bucket: 'tollgate-logs', Prefix: `requests/${new Date().toISOString().slice(0, 10)}/` }));
      return listed.Contents?.length ? listed.Contents : undefined;
    });
    const lines = await Promise.all(
      objects.map(async (object) => (await (await reader.send(new GetObjectCommand({ Bucket: 'tollgate-logs', Key: object.Key }))).Body!.transformToString()).trim().split('\n')),
    );
    const line = lines
      .flat()
      .map((text) => JSON.parse(text))
      .find((record) => record.request_id === requestId);
    expect(line).toMatchObject({ call_type: 'acompletion', model: 'gpt-4o', model_group: 'gpt-4o', prompt_tokens: input, completion_tokens: output, spend: cost, status: 'success' });
    expect(line.messages).toEqual([{ role: 'user', content: 'Say hello' }]);
    expect(line.response).toBe(completion.choices[0]!.message.content);

    // No secret anywhere it went.
    const exported = JSON.stringify([collector.requests.map((r) => r.raw.toString('latin1')), langfuse.requests.map((r) => r.body), [...s3.objects.values()].map(String), families]);
    for (const secret of SECRETS) expect(exported).not.toContain(secret);
  });
});
