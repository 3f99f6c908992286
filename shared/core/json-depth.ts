// How deeply JSON text nests, measured over the bytes as they arrive, without parsing them. A body
// nested thousands of levels deep is cheap to send and costly to hold: JSON.parse builds an object
// per level, and every recursive walk after it (JSON.stringify, schema checks, DynamoDB marshalling)
// can overflow the stack. Counting brackets outside strings refuses it before any of that.

/** Deepest nesting of arrays and objects the gateway reads, in bodies and in JSON carried inside strings. */
export const MAX_JSON_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Fed UTF-8 bytes piece by piece (pieces may split anywhere). Multi-byte characters never contain
 * bytes below 0x80, so the structural characters are found byte by byte. Malformed JSON is not its
 * business: JSON.parse says what is wrong once the depth is known to be safe.
 */
export class JsonDepthGauge {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(readonly maxDepth: number = MAX_JSON_DEPTH) {}

  /** False once the text has nested deeper than `maxDepth`. */
  feed(bytes: Uint8Array): boolean {
    let { depth, inString, escaped } = this;
    const max = this.maxDepth;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        if (++depth > max) {
          this.depth = depth;
          return false;
        }
      } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
        depth--;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return true;
  }
}

/** Whether JSON text nests deeper than `maxDepth`. */
export function nestsTooDeep(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  return !new JsonDepthGauge(maxDepth).feed(Buffer.from(text));
}
