// What every client test talks to: the real gateway on 127.0.0.1 with a LiteLLM-style config whose
// models sit on three fake upstreams (Anthropic's Messages API, OpenAI's Chat Completions and Responses
// API, Bedrock's Converse over h2c), each answering with the scripted model
// (test/helpers/scripted-model.ts), and its table on dynalite (stored Responses API answers live there).
import type { EmbeddedDynamo } from '../../../local/embedded-dynamodb.ts';
import { startFakeAnthropic } from '../../helpers/fake-anthropic.ts';
import { startFakeBedrock, type FakeBedrock } from '../../helpers/fake-bedrock.ts';
import { scriptedConverse } from '../../helpers/fake-bedrock-converse.ts';
import { startFakeOpenAI } from '../../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../../helpers/gateway.ts';
import { openTestStore, startDynamo } from '../../helpers/identity.ts';
import type { RecordingServer } from '../../helpers/recording-server.ts';

export const MASTER_KEY = 'sk-tollgate-client-suite';
const ANTHROPIC_KEY = 'sk-ant-api03-client-suite-upstream';
const OPENAI_KEY = 'sk-proj-client-suite-upstream';

export type Backend = 'anthropic' | 'openai' | 'bedrock';
export const BACKENDS: Backend[] = ['anthropic', 'openai', 'bedrock'];

/** Per backend: the model_name clients ask for, and a small/fast one (Claude Code's background model). */
export const MODELS: Record<Backend, { main: string; small: string }> = {
  // The small model's name is the id Claude Code itself asks for: the LiteLLM way to serve it.
  anthropic: { main: 'claude-sonnet-4-5', small: 'claude-haiku-4-5-20251001' },
  openai: { main: 'gpt-4o-mini', small: 'gpt-4o-mini' },
  bedrock: { main: 'bedrock-claude-sonnet', small: 'bedrock-claude-haiku' },
};

/**
 * An Anthropic-backed model_name that Claude Code does not recognise as a Claude model: for such names it
 * sends its generic request shape (a `system` entry inside `messages`, adaptive thinking, `output_config`).
 */
export const ANTHROPIC_ALIAS = 'claude-sonnet';

/** An OpenAI reasoning model: it takes reasoning_effort, and max_completion_tokens instead of max_tokens. */
export const OPENAI_REASONING_MODEL = 'gpt-5-mini';

/** What each fake serves, with the model's maximum output tokens as the provider documents it. */
const ANTHROPIC_MODELS = { 'claude-sonnet-4-5-20250929': 64_000, 'claude-haiku-4-5-20251001': 64_000 };
const OPENAI_MODELS = { 'gpt-4o-mini': { maxOutputTokens: 16_384, reasoning: false }, 'gpt-5-mini': { maxOutputTokens: 128_000, reasoning: true } };
const BEDROCK_MODELS = { 'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 64_000, 'us.anthropic.claude-haiku-4-5-20251001-v1:0': 64_000 };

export interface ClientStack {
  gateway: TestGateway;
  anthropic: RecordingServer;
  openai: RecordingServer;
  bedrock: FakeBedrock;
  /** The request bodies each backend's upstream received, oldest first. */
  upstreamBodies(backend: Backend): any[];
  /** Each request the gateway answered (once those in flight have finished their after-response work): method, path, status, model. */
  answered(): Promise<Array<{ method: string; path: string; status: number; model?: string }>>;
  /** Forgets what was recorded so far (once the requests in flight have finished). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<ClientStack> {
  const anthropic = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: ANTHROPIC_MODELS });
  const openai = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: OPENAI_MODELS });
  const bedrock = await startFakeBedrock(scriptedConverse(BEDROCK_MODELS));
  const dynamo: EmbeddedDynamo = await startDynamo();
  const store = await openTestStore(dynamo.endpoint);
  const bedrockParams = `api_base: ${bedrock.url}, aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: os.environ/AWS_SECRET, aws_region_name: us-east-1`;
  const gateway = await startGateway(
    `
model_list:
  - model_name: ${MODELS.anthropic.main}
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropic.url}, api_key: os.environ/ANTHROPIC_KEY }
  - model_name: ${ANTHROPIC_ALIAS}
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropic.url}, api_key: os.environ/ANTHROPIC_KEY }
  - model_name: ${MODELS.anthropic.small}
    litellm_params: { model: anthropic/claude-haiku-4-5-20251001, api_base: ${anthropic.url}, api_key: os.environ/ANTHROPIC_KEY }
  - model_name: ${MODELS.openai.main}
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY }
  - model_name: ${OPENAI_REASONING_MODEL}
    litellm_params: { model: openai/gpt-5-mini, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY }
  - model_name: ${MODELS.bedrock.main}
    litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, ${bedrockParams} }
  - model_name: ${MODELS.bedrock.small}
    litellm_params: { model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0, ${bedrockParams} }
general_settings: { master_key: ${MASTER_KEY} }
router_settings: { num_retries: 0 }
`,
    { ANTHROPIC_KEY, OPENAI_KEY, AWS_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    { store },
  );
  return {
    gateway,
    anthropic,
    openai,
    bedrock,
    upstreamBodies: (backend) => (({ anthropic, openai, bedrock })[backend].requests as Array<{ json: unknown }>).map((r) => r.json),
    // A request's access-log line is written after its after-response work (spend settlement, rollups).
    answered: async () => {
      await gateway.idle();
      return gateway.log.lines.filter((line) => line.message === 'request').map((line) => line.fields as any);
    },
    async reset() {
      await gateway.idle();
      gateway.log.lines.length = 0;
      anthropic.requests.length = 0;
      openai.requests.length = 0;
      bedrock.requests.length = 0;
    },
    async close() {
      await gateway.close();
      await Promise.all([anthropic.close(), openai.close(), bedrock.close()]);
      await dynamo.close();
    },
  };
}
