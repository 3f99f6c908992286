// The fake Vertex AI speaks Vertex's wire format: the official @google/genai client in Vertex AI
// mode, pointed at it, calls the same resource paths the provider calls (generateContent,
// streamGenerateContent, :predict for text embeddings) and reads the fixtures the tests replay.
import { GoogleGenAI } from '@google/genai';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';

const fixture = (dir: string, name: string) => readFileSync(new URL(`../../fixtures/${dir}/${name}`, import.meta.url), 'utf8');
const frames = (name: string) =>
  fixture('gemini', name)
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const MODEL_PATH = '/v1/projects/my-project/locations/us-central1/publishers/google/models';

let vertex: RecordingServer;
let client: GoogleGenAI;

beforeAll(async () => {
  vertex = await startRecordingServer();
  client = new GoogleGenAI({
    vertexai: true,
    project: 'my-project',
    location: 'us-central1',
    apiVersion: 'v1',
    httpOptions: { baseUrl: vertex.url },
    // A fixed token instead of Google's auth library, which would call Google's real token endpoint.
    googleAuthOptions: { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer ya29.sdk-test' }) } as never },
  });
});
afterAll(() => vertex.close());
beforeEach(() => void (vertex.requests.length = 0));

describe('Vertex AI wire format, as the official @google/genai client speaks it', () => {
  it('generateContent at the publisher model path with a bearer token', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('gemini', 'generate-text.json'))));
    const response = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'A haiku' });
    expect(vertex.requests[0]!.url).toBe(`${MODEL_PATH}/gemini-2.5-flash:generateContent`);
    expect(vertex.requests[0]!.headers['authorization']).toBe('Bearer ya29.sdk-test');
    expect(response.text).toContain('the tide keeps its time.');
  });

  it('streamGenerateContent with alt=sse', async () => {
    vertex.respond((_r, res) => sendSse(res, frames('stream-text.sse')));
    let text = '';
    for await (const event of await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'A haiku' })) text += event.text ?? '';
    expect(vertex.requests[0]!.url).toBe(`${MODEL_PATH}/gemini-2.5-flash:streamGenerateContent?alt=sse`);
    expect(text).toBe('Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.');
  });

  it(':predict for text embeddings, with the instances and parameters the provider sends', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('vertex-ai', 'predict-embeddings.json'))));
    const response = await client.models.embedContent({ model: 'text-embedding-005', contents: ['What is life?', 'Hi'], config: { outputDimensionality: 8, taskType: 'RETRIEVAL_QUERY' } });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe(`${MODEL_PATH}/text-embedding-005:predict`);
    expect(sent.json).toEqual({
      instances: [
        { content: 'What is life?', task_type: 'RETRIEVAL_QUERY' },
        { content: 'Hi', task_type: 'RETRIEVAL_QUERY' },
      ],
      parameters: { outputDimensionality: 8 },
    });
    expect(response.embeddings?.map((e) => e.statistics?.tokenCount)).toEqual([6, 4]);
  });
});
