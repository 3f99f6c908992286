// Start-up rules for the local server: where it may listen with which key.
import { isIP } from 'node:net';
import { DEV_MASTER_KEY } from '../shared/config/types.ts';

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/** Why the server must not listen on this address with this key, or undefined when it may. */
export function listenRefusal(host: string, masterKey: string | undefined): string | undefined {
  if (isLoopback(host)) return undefined;
  if (masterKey === undefined) {
    return `Refusing to listen on ${host}: the config has no general_settings.master_key, so anyone who reaches this address could use your providers. Set a master key, or listen on 127.0.0.1.`;
  }
  if (masterKey === DEV_MASTER_KEY) {
    return `Refusing to listen on ${host} with the development master key ${DEV_MASTER_KEY}, which everyone knows. Set general_settings.master_key to os.environ/TOLLGATE_MASTER_KEY and export a secret of your own.`;
  }
  return undefined;
}
