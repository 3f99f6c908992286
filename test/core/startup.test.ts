import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isLoopback, listenRefusal } from '../../local/startup.ts';
import { DEV_MASTER_KEY } from '../../shared/config/types.ts';
import { serverEnv } from '../helpers/server-env.ts';

describe('where the local server may listen', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com']) expect(isLoopback(host), host).toBe(false);
  });

  it('refuses a non-loopback address with the development key or with no key', () => {
    expect(listenRefusal('127.0.0.1', undefined)).toBeUndefined();
    expect(listenRefusal('127.0.0.1', DEV_MASTER_KEY)).toBeUndefined();
    expect(listenRefusal('0.0.0.0', DEV_MASTER_KEY)).toContain(DEV_MASTER_KEY);
    expect(listenRefusal('0.0.0.0', undefined)).toContain('no general_settings.master_key');
    expect(listenRefusal('0.0.0.0', 'sk-a-real-secret')).toBeUndefined();
  });

  it('npm start exits non-zero instead of listening on 0.0.0.0 with the default config', () => {
    const result = spawnSync('npx', ['tsx', 'local/server.ts'], { env: serverEnv({ HOST: '0.0.0.0', PORT: '0' }), encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0');
    // A cold start of the whole server under a loaded CI machine (every test file at once) can take tens of seconds.
  }, 90_000);

  it('npm start exits non-zero on an invalid config, naming the file and the path', () => {
    const result = spawnSync('npx', ['tsx', 'local/server.ts'], { env: serverEnv({ GATEWAY_CONFIG: 'test/fixtures/config/invalid.yaml', PORT: '0' }), encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('test/fixtures/config/invalid.yaml');
    expect(result.stderr).toContain('model_list[0].litellm_params.model');
  }, 90_000);
});
