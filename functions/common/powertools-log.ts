// The core's Log seam over Powertools' Logger: one JSON line a call, with the Lambda context the
// injectLambdaContext middleware adds. Fields pass through as they are; the core never puts keys or bodies in them.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../../shared/core/log.ts';

export function powertoolsLog(logger: Logger): Log {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    if (fields) logger[level](message, fields);
    else logger[level](message);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
