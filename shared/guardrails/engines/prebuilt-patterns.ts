// The content filter's prebuilt detectors, by the names LiteLLM's `litellm_content_filter` gives them
// (`pattern_name`), plus Tollgate's own for IBANs, provider keys and private keys. A detector is a
// regular expression, and for numbers with a check digit a test that the digits are one (Luhn for
// payment cards, mod 97 for IBANs), so an order number of the right length is not taken for a card.

export interface Detector {
  /** Global: every match in a text. */
  regex: RegExp;
  /** A match that fits the shape but fails this is not one. */
  valid?: (match: string) => boolean;
}

const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const cardOf = (prefix: RegExp, lengths: number[]) => (match: string) => {
  const digits = match.replace(/[ -]/g, '');
  return prefix.test(digits) && lengths.includes(digits.length) && luhn(digits);
};

const DETECTORS = {
  email: { regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  us_ssn: { regex: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
  us_phone: { regex: /(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}\b/g },
  /** Any number written the international way (+ and country code), or a US one. */
  phone: { regex: /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){1,4}\d{2,4}|(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4})\b/g },
  visa: { regex: CARD, valid: cardOf(/^4/, [13, 16, 19]) },
  mastercard: { regex: CARD, valid: cardOf(/^(?:5[1-5]|2[2-7])/, [16]) },
  amex: { regex: CARD, valid: cardOf(/^3[47]/, [15]) },
  discover: { regex: CARD, valid: cardOf(/^6(?:011|5)/, [16, 19]) },
  credit_card: { regex: CARD, valid: (match: string) => luhn(match.replace(/[ -]/g, '')) },
  iban: { regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, valid: ibanChecksum },
  ipv4: { regex: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g },
  ipv6: { regex: /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![0-9A-Fa-f:])|(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:?){0,6}[0-9A-Fa-f]{1,4}(?![0-9A-Fa-f:])/g },
  aws_access_key: { regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  /** 40 characters of base64 next to the words that name one: a bare 40-character string is too often something else. */
  aws_secret_key: { regex: /(?<=aws.{0,20}(?:secret|key).{0,5}[=:"' ]{1,3})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
  github_token: { regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  slack_token: { regex: /\bxox[abposr]-[A-Za-z0-9-]{10,250}\b/g },
  /** OpenAI's (`sk-`, `sk-proj-`), Anthropic's (`sk-ant-`) and LiteLLM virtual keys alike. */
  openai_api_key: { regex: /\bsk-(?:proj-|ant-(?:api|admin)\d\d-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g },
  generic_api_key: { regex: /\bapi[-_]?key\b["']?\s*[:=]\s*["']?[A-Za-z0-9_-]{20,}/gi },
  /** The value of `api_key=...`, `password: ...`, `secret = '...'` and the like (the name stays, as LiteLLM's hide-secrets leaves it). */
  secret_keyword: { regex: /(?<=(?:api[-_]?key|secret|passw(?:or)?d|token)["']?\s*[:=]\s*["']?)[^\s"',;]{8,}/gi },
  /** The whole block when it is there; its first line alone is enough to tell, so a stream is stopped before the key itself. */
  private_key: { regex: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g },
} satisfies Record<string, Detector>;

export type PrebuiltPatternName = keyof typeof DETECTORS;
export const PREBUILT_PATTERN_NAMES = Object.keys(DETECTORS) as [PrebuiltPatternName, ...PrebuiltPatternName[]];

export function prebuiltDetector(name: PrebuiltPatternName): Detector {
  return DETECTORS[name];
}

/** The Luhn check digit test every payment card number passes. */
export function luhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616: the country code and check digits moved to the end, letters as numbers, mod 97 is 1. */
function ibanChecksum(match: string): boolean {
  const iban = match.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? char.charCodeAt(0) - 55 : char.charCodeAt(0) - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}
