// The environment for a server or CLI a test starts as a process: this one's, without the gateway's
// own settings that other test files in the same worker set for their in-process gateways (the
// gateway project runs without per-file isolation), plus what the test gives.
const GATEWAY_SETTINGS = new Set(['GATEWAY_CONFIG', 'TOLLGATE_MASTER_KEY', 'TEST_TOLLGATE_MASTER_KEY']);

export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !GATEWAY_SETTINGS.has(name)));
  return { ...inherited, ...extra };
}
