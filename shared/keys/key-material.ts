// Virtual keys as strings: how they are made, hashed, shown and recognised.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/auth.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 random bytes as base62: 43 characters after `sk-`. */
const RANDOM_BYTES = 32;

export function generateKey(): string {
  let value = BigInt(`0x${randomBytes(RANDOM_BYTES).toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return `sk-${text.padStart(43, '0')}`;
}

/** The only form of a key that is stored: SHA-256 hex. */
export const hashKey = sha256Hex;

/** LiteLLM's `key_name`: enough to recognise a key, not to use it. */
export function keyName(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

/** A key as an admin names it (raw `sk-...` or its hash, as LiteLLM accepts both) → its hash. */
export function tokenOf(keyOrHash: string): string {
  return /^[0-9a-f]{64}$/.test(keyOrHash) ? keyOrHash : hashKey(keyOrHash);
}
