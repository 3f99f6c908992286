// POST /v1/rerank on `bedrock/<rerank model>` (`cohere.rerank-v3-5:0`, `amazon.rerank-v1:0`, or a
// model ARN), as LiteLLM routes them: the Bedrock Agent Runtime's Rerank API (its own SDK client,
// imported on first use), the documents inline as text, the model by its foundation-model ARN in the
// deployment's region. Bedrock bills per query and reports no search units: the endpoint counts them.
import { randomUUID } from 'node:crypto';
import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { documentTexts, type RerankRequest, type RerankResponse } from '../../cohere-format/rerank.ts';
import { GatewayError } from '../../core/errors.ts';
import { withDocuments } from '../rerank/rerank-apis.ts';
import type { UpstreamCall } from '../types.ts';
import { CallSignal } from './call.ts';
import { bedrockTarget, clientFor, targetSecrets, type BedrockTarget } from './client.ts';
import { bedrockError, PROVIDER_NAME } from './errors.ts';

type AgentRuntimeSdk = typeof import('@aws-sdk/client-bedrock-agent-runtime');
let sdk: Promise<AgentRuntimeSdk> | undefined;
const clients = new Map<string, BedrockAgentRuntimeClient>();

async function agentRuntime(target: BedrockTarget): Promise<{ client: BedrockAgentRuntimeClient; sdk: AgentRuntimeSdk }> {
  const loaded = await (sdk ??= import('@aws-sdk/client-bedrock-agent-runtime'));
  const client = clientFor(clients, target, () => new loaded.BedrockAgentRuntimeClient({ region: target.region, endpoint: target.endpoint, credentials: target.credentials, maxAttempts: 1 }));
  return { client, sdk: loaded };
}

export async function bedrockRerank({ request, deployment, signal }: UpstreamCall<RerankRequest>): Promise<RerankResponse> {
  const target = bedrockTarget(deployment);
  const { client, sdk: loaded } = await agentRuntime(target);
  const texts = documentTexts(request);
  const modelArn = request.model.startsWith('arn:') ? request.model : `arn:aws:bedrock:${target.region}::foundation-model/${request.model}`;
  const call = new CallSignal(signal);
  call.arm(deployment.timeoutMs);
  try {
    const output = await client.send(
      new loaded.RerankCommand({
        queries: [{ type: 'TEXT', textQuery: { text: request.query } }],
        sources: texts.map((text) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text } } })),
        rerankingConfiguration: {
          type: 'BEDROCK_RERANKING_MODEL',
          bedrockRerankingConfiguration: { numberOfResults: request.top_n ?? texts.length, modelConfiguration: { modelArn } },
        },
      }),
      { abortSignal: call.signal },
    );
    const results = (output.results ?? []).map((result) => ({ index: result.index ?? -1, relevance_score: result.relevanceScore ?? 0 }));
    const stray = results.find((r) => r.index < 0 || r.index >= texts.length);
    if (stray) throw new GatewayError('upstream_error', `${PROVIDER_NAME} ranked document ${stray.index} of ${texts.length}: an answer that cannot be for this request.`);
    return withDocuments({ id: randomUUID(), results, meta: { billed_units: {} } }, request);
  } catch (error) {
    throw bedrockError(error, { url: target.endpoint ?? `https://bedrock-agent-runtime.${target.region}.amazonaws.com`, signal, deadline: call.deadline, secrets: targetSecrets(target) });
  } finally {
    call.stop();
  }
}
