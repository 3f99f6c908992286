// The config as people write it: LiteLLM's YAML, read by `npm start`, the tests and, at synth time, the
// CDK stack (which hands the Lambdas JSON, so they carry no YAML parser).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfigDocument, type EnvLookup, type ProviderLookup } from './load.ts';
import { ConfigError, type GatewayConfig } from './types.ts';

export function parseConfigYaml(text: string, source: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
}

export function readConfigYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseConfigYaml(text, path);
}

export function loadConfig(text: string, source: string, env: EnvLookup, providers: ProviderLookup): GatewayConfig {
  return loadConfigDocument(parseConfigYaml(text, source), source, env, providers);
}
