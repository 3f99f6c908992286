// The content filter's prebuilt detectors, one by one: what each finds and what it leaves (numbers
// that fail their check digit, look-alikes), through the engine as a guardrail runs it.
import { describe, expect, it } from 'vitest';
import type { PrebuiltPatternName } from '../../shared/guardrails/engines/prebuilt-patterns.ts';
import { contentFilter } from '../../shared/guardrails/engines/content-filter.ts';

async function masked(name: PrebuiltPatternName, text: string): Promise<string> {
  const engine = contentFilter({ guardrail: 'litellm_content_filter', mode: 'pre_call', patterns: [{ pattern_type: 'prebuilt', pattern_name: name, action: 'MASK' }] });
  const verdict = await engine.check({ texts: [text], direction: 'request', context: { requestId: 'r' }, extraBody: {}, signal: new AbortController().signal, session: new Map() });
  return verdict.action === 'mask' ? verdict.texts[0]! : text;
}

const CASES: Array<[PrebuiltPatternName, string, string]> = [
  ['email', 'to a.b+c@mail.example.co.uk now', 'to [EMAIL_REDACTED] now'],
  ['us_phone', 'call (415) 555-0132 or 415.555.0199', 'call [US_PHONE_REDACTED] or [US_PHONE_REDACTED]'],
  ['phone', 'ring +44 20 7946 0958 today', 'ring [PHONE_REDACTED] today'],
  ['us_ssn', 'ssn 123-45-6789, not 000-12-3456', 'ssn [US_SSN_REDACTED], not 000-12-3456'],
  ['credit_card', 'pay 4111-1111-1111-1111 not 4111-1111-1111-1112', 'pay [CREDIT_CARD_REDACTED] not 4111-1111-1111-1112'],
  ['visa', 'visa 4012888888881881, mc 5555555555554444', 'visa [VISA_REDACTED], mc 5555555555554444'],
  ['mastercard', 'mc 5555 5555 5555 4444', 'mc [MASTERCARD_REDACTED]'],
  ['amex', 'amex 378282246310005', 'amex [AMEX_REDACTED]'],
  ['discover', 'disc 6011111111111117', 'disc [DISCOVER_REDACTED]'],
  ['iban', 'IBAN GB82 WEST 1234 5698 7654 32, not GB82 WEST 1234 5698 7654 33', 'IBAN [IBAN_REDACTED], not GB82 WEST 1234 5698 7654 33'],
  ['ipv4', 'host 192.168.1.20, version 1.2.3', 'host [IPV4_REDACTED], version 1.2.3'],
  ['ipv6', 'addr 2001:db8:85a3::8a2e:370:7334 ok', 'addr [IPV6_REDACTED] ok'],
  ['aws_access_key', 'AKIAIOSFODNN7EXAMPLE', '[AWS_ACCESS_KEY_REDACTED]'],
  ['aws_secret_key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [AWS_SECRET_KEY_REDACTED]'],
  ['github_token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'token [GITHUB_TOKEN_REDACTED]'],
  ['slack_token', 'xoxb-1234567890-abcdefghijABCDEF', '[SLACK_TOKEN_REDACTED]'],
  ['openai_api_key', 'keys sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv and sk-proj-0123456789abcdefghijk', 'keys [OPENAI_API_KEY_REDACTED] and [OPENAI_API_KEY_REDACTED]'],
  ['generic_api_key', 'API_KEY="abcd1234efgh5678ijkl9012"', '[GENERIC_API_KEY_REDACTED]"'],
  ['secret_keyword', 'openai_api_key=sk-1234998222, password: "hunter2hunter2" and token = abc', 'openai_api_key=[SECRET_KEYWORD_REDACTED], password: "[SECRET_KEYWORD_REDACTED]" and token = abc'],
  ['private_key', 'k: -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY----- done', 'k: [PRIVATE_KEY_REDACTED] done'],
];

describe('prebuilt detectors', () => {
  it.each(CASES)('%s', async (name, text, expected) => {
    expect(await masked(name, text)).toBe(expected);
  });
});
