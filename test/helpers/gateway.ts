// Starts the real gateway (config text → core → local node adapter) on 127.0.0.1 for a test.
import { buildGateway, gatewayConfig, type AppOptions } from '../../shared/app.ts';
import { parseConfigYaml } from '../../shared/config/yaml.ts';
import type { GatewayConfig } from '../../shared/config/types.ts';
import type { Log } from '../../shared/core/log.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { systemRuntime, type RouterRuntime } from '../../shared/router/runtime.ts';
import { listen, type RunningServer } from '../../local/node-adapter.ts';

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function recordingLog(): Log & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(lines) };
}

/** Retry backoffs return at once, so suites that provoke upstream errors stay fast; router tests pass their own runtime. */
const noBackoff: RouterRuntime = { ...systemRuntime, sleep: async () => {} };

export interface TestGateway extends RunningServer {
  log: ReturnType<typeof recordingLog>;
  /** Sends what exporters queued (Gateway.flush). */
  flush(): Promise<void>;
}

/** A config from its YAML text, with `env` as the environment, loaded as `npm start` loads it. */
export function testConfig(yaml: string, env: Record<string, string> = {}, providers = defaultProviders()): GatewayConfig {
  return gatewayConfig(parseConfigYaml(yaml, 'test.config.yaml'), 'test.config.yaml', (name) => env[name], providers);
}

export async function startGateway(yaml: string, env: Record<string, string> = {}, options: Partial<AppOptions> = {}): Promise<TestGateway> {
  const providers = defaultProviders();
  const config = testConfig(yaml, env, providers);
  const log = recordingLog();
  const gateway = buildGateway({ config, log, providers, routerRuntime: noBackoff, ...options });
  const running = await listen(gateway, '127.0.0.1', 0);
  return { ...running, log, flush: () => gateway.flush() };
}
