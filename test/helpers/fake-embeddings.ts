// A fake OpenAI embeddings API on 127.0.0.1, answering every request in the shape OpenAI's embeddings
// reference gives: one `vector` per call, usage counted, the model echoed.
import { sendJson, startRecordingServer, type RecordingServer } from './recording-server.ts';

export function startFakeEmbeddings(vector: number[] = [0.5, 0.25]): Promise<RecordingServer> {
  return startRecordingServer((request, res) =>
    sendJson(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: vector }], model: request.json.model, usage: { prompt_tokens: 2, total_tokens: 2 } }),
  );
}
