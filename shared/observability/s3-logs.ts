// LiteLLM's `s3` callback (litellm_settings.s3_callback_params): request log lines, one JSON object
// per request, written in batches by PutObject as newline-delimited JSON under
// `<s3_path>/<UTC day>/`.
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3LogSettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import { requestLogRecord } from './call-log.ts';
import { ExportQueue } from './export-queue.ts';
import type { Exporter } from './exporter.ts';

export function s3LogExporter(settings: S3LogSettings, log: Log): Exporter {
  const credentials = settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined;
  // An endpoint of one's own (MinIO, a fake) is addressed by path; AWS's by virtual host.
  const client = new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.endpoint !== undefined, credentials });
  const queue = new ExportQueue<Record<string, unknown>>({
    name: 's3',
    log,
    send: async (records) => {
      const now = new Date();
      const key = [settings.path, now.toISOString().slice(0, 10), `${now.toISOString()}-${randomUUID()}.jsonl`].filter(Boolean).join('/');
      const body = `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
      await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
    },
  });
  return { record: (call) => queue.push(requestLogRecord(call)), flush: () => queue.flush() };
}
