// The logging seam: the Lambda adapter passes Powertools' Logger, the local server a console one.
// Never pass a credential or a raw key in `fields`.

export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** One JSON object a line on stdout/stderr, the same shape CloudWatch gets from Powertools. */
export function consoleLog(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Log {
  const order = ['debug', 'info', 'warn', 'error'];
  const threshold = order.indexOf(level);
  const emit = (lvl: string, stream: NodeJS.WriteStream) => (message: string, fields?: Record<string, unknown>) => {
    if (order.indexOf(lvl) < threshold) return;
    stream.write(`${JSON.stringify({ level: lvl.toUpperCase(), message, timestamp: new Date().toISOString(), ...fields })}\n`);
  };
  return { debug: emit('debug', process.stdout), info: emit('info', process.stdout), warn: emit('warn', process.stderr), error: emit('error', process.stderr) };
}
