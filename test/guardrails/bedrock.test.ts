// Amazon Bedrock Guardrails (ApplyGuardrail) in front of a non-Bedrock model, through the official
// openai client: the gateway's AWS SDK call judged by a fake Bedrock Runtime on 127.0.0.1 speaking
// ApplyGuardrail's wire format (REST-JSON over HTTP/2, SigV4-signed with static fake credentials).
// Masking seen in what the upstream received, a block calling no upstream, during_call holding the
// answer, post_call on a stream, a timeout and an unreachable guardrail failing open and closed.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { type BedrockRequest, sendBedrockJson, sigV4Scope, startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sleep, type RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const MASTER = 'sk-test-master';
const AWS_SECRET = 'fake/secret/key/0123456789abcdefghijklmnop';
const EMAIL = /[\w.]+@[\w.]+\.[a-z]+/g;

let bedrock: FakeBedrock;
let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;
const finished: RequestContext[] = [];

/** What the fake guardrail does: a topic it denies (coffee), PII it anonymizes (e-mail addresses), as ApplyGuardrail answers. */
async function applyGuardrail(request: BedrockRequest, res: Parameters<Parameters<FakeBedrock['respond']>[0]>[1]): Promise<void> {
  const texts: string[] = request.json.content.map((block: { text: { text: string } }) => block.text.text);
  const usage = { topicPolicyUnits: 1, contentPolicyUnits: 1, wordPolicyUnits: 1, sensitiveInformationPolicyUnits: 1, sensitiveInformationPolicyFreeUnits: 0, contextualGroundingPolicyUnits: 0 };
  if (texts.some((text) => text.includes('slow'))) await sleep(1_000);
  // The during_call guardrail (its own id) also denies tea.
  const denied = texts.some((text) => /coffee/i.test(text)) ? 'Coffee' : request.modelId === 'gr-during' && texts.some((text) => /tea/i.test(text)) ? 'Tea' : undefined;
  if (denied) {
    return sendBedrockJson(res, {
      usage,
      action: 'GUARDRAIL_INTERVENED',
      actionReason: 'Guardrail blocked.',
      outputs: [{ text: 'Sorry, the model cannot answer this question.' }],
      assessments: [{ topicPolicy: { topics: [{ name: denied, type: 'DENY', action: 'BLOCKED', detected: true }] } }],
    });
  }
  const emails = texts.flatMap((text) => text.match(EMAIL) ?? []);
  if (emails.length) {
    return sendBedrockJson(res, {
      usage,
      action: 'GUARDRAIL_INTERVENED',
      actionReason: 'Guardrail masked.',
      outputs: texts.map((text) => ({ text: text.replace(EMAIL, '{EMAIL}') })),
      assessments: [{ sensitiveInformationPolicy: { piiEntities: emails.map((match) => ({ match, type: 'EMAIL', action: 'ANONYMIZED', detected: true })) } }],
    });
  }
  return sendBedrockJson(res, { usage, action: 'NONE', actionReason: 'No action.', outputs: [], assessments: [{}] });
}

const guardrail = (name: string, mode: string, extra = '', id = 'gr-abc123') => `
  - guardrail_name: ${name}
    litellm_params:
      guardrail: bedrock
      mode: ${mode}
      guardrailIdentifier: ${id}
      guardrailVersion: "3"
      aws_region_name: eu-west-1
      aws_bedrock_runtime_endpoint: ${bedrock.url}
      aws_access_key_id: AKIAFAKEFAKEFAKEFAKE
      aws_secret_access_key: os.environ/AWS_SECRET
${extra}`;

beforeAll(async () => {
  bedrock = await startFakeBedrock(applyGuardrail);
  upstream = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
guardrails:
${guardrail('bedrock-in', 'pre_call', '      default_on: true')}
${guardrail('bedrock-out', 'post_call')}
${guardrail('bedrock-during', 'during_call', '', 'gr-during')}
${guardrail('slow-open', 'pre_call', '      timeout: 0.3\n      unreachable_fallback: fail_open')}
${guardrail('slow-closed', 'pre_call', '      timeout: 0.3')}
  - guardrail_name: gone-open
    litellm_params: { guardrail: bedrock, mode: pre_call, guardrailIdentifier: g, guardrailVersion: DRAFT, aws_region_name: eu-west-1, api_base: 'http://127.0.0.1:1', aws_access_key_id: AKIAFAKEFAKEFAKEFAKE, aws_secret_access_key: os.environ/AWS_SECRET, unreachable_fallback: fail_open }
  - guardrail_name: gone-closed
    litellm_params: { guardrail: bedrock, mode: pre_call, guardrailIdentifier: g, guardrailVersion: DRAFT, aws_region_name: eu-west-1, api_base: 'http://127.0.0.1:1', aws_access_key_id: AKIAFAKEFAKEFAKEFAKE, aws_secret_access_key: os.environ/AWS_SECRET }
general_settings: { master_key: ${MASTER} }
`,
    { OPENAI_KEY, AWS_SECRET },
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([bedrock.close(), upstream.close()]);
});
beforeEach(() => {
  bedrock.requests.length = 0;
  upstream.requests.length = 0;
  finished.length = 0;
});

async function lastFinished(): Promise<RequestContext> {
  for (let i = 0; i < 100 && !finished.length; i++) await sleep(5);
  return finished.at(-1)!;
}
const failure = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => undefined,
    (error) => error,
  );
const ask = (content: string, extra: Record<string, unknown> = {}) =>
  client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content }], ...extra } as any) as Promise<OpenAI.ChatCompletion>;

describe('Bedrock Guardrails', () => {
  it('lists the guardrails at GET /guardrails/list, as LiteLLM does, without their credentials or endpoints', async () => {
    const response = await fetch(`${gateway.url}/guardrails/list`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.guardrails[0]).toEqual({
      guardrail_name: 'bedrock-in',
      litellm_params: { guardrail: 'bedrock', mode: 'pre_call', default_on: true },
      guardrail_info: null,
      guardrail_definition_location: 'config',
    });
    expect(body.guardrails.map((g: any) => g.guardrail_name)).toEqual(['bedrock-in', 'bedrock-out', 'bedrock-during', 'slow-open', 'slow-closed', 'gone-open', 'gone-closed']);
    expect(JSON.stringify(body)).not.toMatch(/AKIA|secret|127\.0\.0\.1|gr-abc123/);
    expect((await fetch(`${gateway.url}/guardrails/list`)).status).toBe(401);
  });

  it('sends the request texts to ApplyGuardrail (INPUT), signed for bedrock in the region, and forwards them masked', async () => {
    const answer = await ask('I am ann@example.org [[say hello]]');
    expect(answer.choices[0]!.message.content).toBe('hello');
    const [call] = bedrock.requests;
    expect(call!.path).toBe('/guardrail/gr-abc123/version/3/apply');
    expect(call!.json).toEqual({ source: 'INPUT', content: [{ text: { text: 'I am ann@example.org [[say hello]]' } }] });
    expect(sigV4Scope(call!.headers['authorization'])).toEqual({ region: 'eu-west-1', service: 'bedrock' });
    expect(upstream.requests[0]!.json.messages[0].content).toBe('I am {EMAIL} [[say hello]]');
    expect(callRecordOf(await lastFinished())!.guardrails).toEqual([{ guardrail_name: 'bedrock-in', guardrail_mode: 'pre_call', action: 'masked', detected: ['PII EMAIL'] }]);
  });

  it('blocks on GUARDRAIL_INTERVENED with a BLOCKED policy, naming it, and calls no upstream', async () => {
    const error = await failure(ask('Tell me about coffee'));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(JSON.parse(error.error.message)).toEqual({
      error: 'Violated guardrail policy',
      guardrail_name: 'bedrock-in',
      guardrail_mode: 'pre_call',
      reason: 'Bedrock guardrail intervened: topic Coffee',
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('checks the answer as OUTPUT under post_call, whole and streamed', async () => {
    const whole = await ask('[[say write to bob@corp.example]]', { guardrails: ['bedrock-out'] });
    expect(whole.choices[0]!.message.content).toBe('write to {EMAIL}');
    expect(bedrock.requests.map((r) => r.json.source)).toEqual(['INPUT', 'OUTPUT']);

    const stream = await client.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: '[[say then write to bob@corp.example]]' }],
      stream: true,
      guardrails: ['bedrock-out'],
    } as any);
    let text = '';
    for await (const chunk of stream as any) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('then write to {EMAIL}');
  });

  it('holds the answer for during_call, and refuses it when the check blocks, although the upstream answered', async () => {
    const passed = await ask('[[say fine]]', { guardrails: ['bedrock-during'] });
    expect(passed.choices[0]!.message.content).toBe('fine');
    expect(upstream.requests).toHaveLength(1);

    const error = await failure(ask('tea? [[say sure]]', { guardrails: ['bedrock-during'] }));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'bedrock-during', guardrail_mode: 'during_call', reason: 'Bedrock guardrail intervened: topic Tea' });
    // Run beside the upstream call, which answered and is charged.
    expect(upstream.requests).toHaveLength(2);
    expect(callRecordOf(await lastFinished())!.usage?.completion_tokens).toBeGreaterThan(0);

    // A stream's first byte waits for the check: the refusal is the answer's status, not an in-band event.
    const streamed = await failure(
      client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'tea please [[say sure]]' }], stream: true, guardrails: ['bedrock-during'] } as any),
    );
    expect(streamed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(JSON.parse(streamed.error.message).guardrail_mode).toBe('during_call');
  });

  it('fails closed by default when the guardrail does not answer in time or cannot be reached, open when configured', async () => {
    const slowClosed = await failure(ask('slow please [[say a]]', { guardrails: ['slow-closed'] }));
    expect(slowClosed.status).toBe(503);
    expect(slowClosed.error.message).toBe('Guardrail "slow-closed" did not answer within 0.3 s checking the request, and fails closed. Retry, or ask the admin about the guardrail service.');
    const goneClosed = await failure(ask('[[say b]]', { guardrails: ['gone-closed'] }));
    expect(goneClosed.status).toBe(503);
    expect(goneClosed.error.message).toBe('Guardrail "gone-closed" failed checking the request, and fails closed. Retry, or ask the admin about the guardrail service.');
    expect(JSON.stringify(goneClosed.error)).not.toContain(AWS_SECRET);
    expect(upstream.requests).toHaveLength(0);

    expect((await ask('[[say c]]', { guardrails: ['gone-open'] })).choices[0]!.message.content).toBe('c');
    expect(callRecordOf(await lastFinished())!.guardrails).toContainEqual({ guardrail_name: 'gone-open', guardrail_mode: 'pre_call', action: 'failed_open' });
    expect((await ask('slow too [[say d]]', { guardrails: ['slow-open'] })).choices[0]!.message.content).toBe('d');
    expect(gateway.log.lines.filter((line) => line.message === 'guardrail failed open').map((line) => line.fields?.['guardrail'])).toEqual(['gone-open', 'slow-open']);
  });
});
