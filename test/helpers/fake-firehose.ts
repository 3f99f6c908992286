// A fake Amazon Data Firehose on 127.0.0.1 for the AWS SDK's Firehose client: the JSON 1.1 protocol's
// PutRecordBatch (X-Amz-Target Firehose_20150804.PutRecordBatch), records kept per delivery stream as
// the bytes the SDK sent (base64 on the wire). A stream it does not know is refused as AWS refuses it.
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

export interface FakeFirehose extends RecordingServer {
  records: Map<string, Buffer[]>;
}

export async function startFakeFirehose(streams: string[]): Promise<FakeFirehose> {
  const records = new Map<string, Buffer[]>(streams.map((name) => [name, []]));
  const server = await startRecordingServer();
  server.respond((request, res) => {
    const reply = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    if (!String(request.headers['authorization'] ?? '').startsWith('AWS4-HMAC-SHA256 ')) return void reply(403, { __type: 'AccessDeniedException', message: 'Missing signature' });
    if (request.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch') return void reply(400, { __type: 'UnknownOperationException' });
    const { DeliveryStreamName: name, Records: batch } = request.json as { DeliveryStreamName: string; Records: Array<{ Data: string }> };
    const stream = records.get(name);
    if (!stream) return void reply(400, { __type: 'ResourceNotFoundException', message: `Firehose ${name} under account 123456789012 not found.` });
    for (const record of batch) stream.push(Buffer.from(record.Data, 'base64'));
    reply(200, { FailedPutCount: 0, Encrypted: true, RequestResponses: batch.map((_, i) => ({ RecordId: `record-${stream.length}-${i}` })) });
  });
  return { ...server, records };
}
