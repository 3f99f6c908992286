// POST /v1/rerank on bedrock/ rerank models, driven by the official `cohere-ai` client: the gateway
// calls the Bedrock Agent Runtime's Rerank API through the AWS SDK (against the fake Bedrock, over
// h2c, signed for the bedrock service in the deployment's region), priced per query.
import { CohereClientV2 } from 'cohere-ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendBedrockError, sendBedrockJson, sigV4Scope, startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const MASTER = 'sk-test-master';
const DOCUMENTS = ['Carson City is the capital of Nevada.', 'Washington, D.C. is the capital of the United States.', 'Capital punishment is legal in some states.'];
let bedrock: FakeBedrock;
let gateway: TestGateway;
let cohere: CohereClientV2;

beforeAll(async () => {
  bedrock = await startFakeBedrock((request, res) => {
    if (request.json.queries[0].textQuery.text === 'refuse') return sendBedrockError(res, 400, 'ValidationException', 'numberOfResults must be at most the number of sources');
    sendBedrockJson(res, {
      results: [
        { index: 1, relevanceScore: 0.92 },
        { index: 0, relevanceScore: 0.41 },
      ].slice(0, request.json.rerankingConfiguration.bedrockRerankingConfiguration.numberOfResults),
    });
  });
  const aws = `api_base: "${bedrock.url}", aws_region_name: us-west-2, aws_access_key_id: AKIDFAKE, aws_secret_access_key: fake-secret-key`;
  gateway = await startGateway(`
model_list:
  - model_name: bedrock-rerank
    litellm_params: { model: bedrock/cohere.rerank-v3-5:0, ${aws} }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`);
  cohere = new CohereClientV2({ token: MASTER, environment: gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await bedrock.close();
});

it("ranks through Bedrock's Rerank API: documents inline, the model by its ARN, the answer in Cohere's shape", async () => {
  const { data, rawResponse } = await cohere.rerank({ model: 'bedrock-rerank', query: 'capital of the US', documents: DOCUMENTS, topN: 2 }).withRawResponse();
  expect(data.results).toEqual([
    { index: 1, relevanceScore: 0.92 },
    { index: 0, relevanceScore: 0.41 },
  ]);
  const sent = bedrock.requests.at(-1)!;
  expect(sent.path).toBe('/rerank');
  expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'us-west-2', service: 'bedrock' });
  expect(sent.json).toEqual({
    queries: [{ type: 'TEXT', textQuery: { text: 'capital of the US' } }],
    sources: DOCUMENTS.map((text) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text } } })),
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL',
      bedrockRerankingConfiguration: { numberOfResults: 2, modelConfiguration: { modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/cohere.rerank-v3-5:0' } },
    },
  });
  // One query over up to 100 documents, at the price table's per-query price.
  expect(Number(rawResponse.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.002, 10);
});

it("passes Bedrock's refusal on as the client's 400, without the secret key", async () => {
  const error = await cohere.rerank({ model: 'bedrock-rerank', query: 'refuse', documents: DOCUMENTS }).catch((e: unknown) => e);
  expect(error).toMatchObject({ statusCode: 400 });
  expect(JSON.stringify(error)).toContain('ValidationException');
  expect(JSON.stringify(error)).not.toContain('fake-secret-key');
});
