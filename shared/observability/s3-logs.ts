// LiteLLM's `s3` callback (litellm_settings.s3_callback_params): request log lines, one JSON object
// per request, written in batches as newline-delimited JSON: by PutObject under `<s3_path>/<UTC day>/`,
// or on AWS through the stack's Firehose delivery stream, which writes them to the stack's bucket
// under the same prefix (infra/request-logs.ts).
import { randomUUID } from 'node:crypto';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3LogSettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import { requestLogRecord } from './call-log.ts';
import { ExportQueue } from './export-queue.ts';
import type { Exporter } from './exporter.ts';

export function s3LogExporter(settings: S3LogSettings, log: Log): Exporter {
  const queue = new ExportQueue<Record<string, unknown>>({ name: 's3', log, send: 'deliveryStream' in settings ? firehoseWriter(settings.deliveryStream) : objectWriter(settings) });
  return { record: (call) => queue.push(requestLogRecord(call), call.bytes), flush: () => queue.flush() };
}

function objectWriter(settings: S3LogSettings & { bucket: string }): (records: Record<string, unknown>[]) => Promise<void> {
  const credentials = settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined;
  // An endpoint of one's own (MinIO, a fake) is addressed by path; AWS's by virtual host.
  const client = new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.endpoint !== undefined, credentials });
  return async (records) => {
    const now = new Date();
    const key = [settings.path, now.toISOString().slice(0, 10), `${now.toISOString()}-${randomUUID()}.jsonl`].filter(Boolean).join('/');
    const body = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
  };
}

/** One PutRecordBatch per batch (the queue's batches are within its 500 records); records it refused count as a failure. */
function firehoseWriter(deliveryStream: string): (records: Record<string, unknown>[]) => Promise<void> {
  const client = new FirehoseClient({});
  return async (records) => {
    const result = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: deliveryStream, Records: records.map((record) => ({ Data: Buffer.from(`${JSON.stringify(record)}\n`) })) }));
    if (result.FailedPutCount) throw new Error(`Firehose refused ${result.FailedPutCount} of ${records.length} records: ${result.RequestResponses?.find((r) => r.ErrorCode)?.ErrorCode}`);
  };
}
