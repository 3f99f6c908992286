// AWS's binary event stream (application/vnd.amazon.eventstream) as Tollgate writes it to clients:
// Bedrock's InvokeModelWithResponseStream answer, which the AWS SDKs and Claude Code on Bedrock read.
// Each message: total and headers lengths, the prelude's CRC-32, string headers, the payload, the
// message's CRC-32 (all big-endian).
import { crc32 } from 'node:zlib';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** One message whose headers are all strings (`:message-type`, `:event-type`, `:content-type`, ...). */
export function eventStreamMessage(headers: Record<string, string>, payload: string): Uint8Array {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      header.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(header, 1);
      header.writeUInt8(7, 1 + nameBytes.length); // 7: a string value
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      valueBytes.copy(header, 4 + nameBytes.length);
      return header;
    }),
  );
  const body = Buffer.from(payload, 'utf8');
  const message = Buffer.alloc(12 + headerBytes.length + body.length + 4);
  message.writeUInt32BE(message.length, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  body.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, message.length - 4)), message.length - 4);
  return message;
}
