// LiteLLM's `generic_api` callback: each batch of request log lines POSTed as a JSON array to
// GENERIC_LOGGER_ENDPOINT, with the GENERIC_LOGGER_HEADERS.
import type { GenericApiSettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import { requestLogRecord } from './call-log.ts';
import { ExportQueue } from './export-queue.ts';
import type { Exporter } from './exporter.ts';
import { postJson } from './post-json.ts';

export function genericApiExporter(settings: GenericApiSettings, log: Log): Exporter {
  const queue = new ExportQueue<Record<string, unknown>>({
    name: 'generic_api',
    log,
    send: async (records) => void (await postJson(settings.endpoint, settings.headers, records)).body?.cancel(),
  });
  return { record: (call) => queue.push(requestLogRecord(call), call.bytes), flush: () => queue.flush() };
}
