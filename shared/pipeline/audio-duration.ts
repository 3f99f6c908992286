// How long an uploaded audio file plays, as far as its bytes tell without decoding it: a WAV file's
// header says it exactly (data size / byte rate); other formats are bounded by their size at the
// lowest bitrate speech is sent at, and estimated at a common one when the upstream says nothing.

/** 6 kbps: below what any speech codec a client would upload uses, so a size bound never falls short. */
const LOWEST_BYTES_PER_SECOND = 750;
/** 128 kbps: a common MP3 bitrate, for an estimate when neither the upstream nor the header says. */
const TYPICAL_BYTES_PER_SECOND = 16_000;

/** Seconds of a RIFF/WAVE file by its header; undefined for anything else. */
export function wavSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= bytes.length) byteRate = bytes.readUInt32LE(at + 16);
    // A streamed WAV may say 0 or 0xFFFFFFFF for its data size: what follows is the data.
    if (id === 'data') return byteRate ? Math.min(size, bytes.length - at - 8) / byteRate : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** The most seconds the file can play: its header's (rounded up, a second spare for an upstream's rounding), else its size at the lowest bitrate. */
export function mostSeconds(bytes: Buffer): number {
  const seconds = wavSeconds(bytes);
  return seconds === undefined ? Math.ceil(bytes.length / LOWEST_BYTES_PER_SECOND) : Math.ceil(seconds) + 1;
}

/** Seconds to charge when the upstream does not say: the header's, else an estimate from the size. */
export function estimatedSeconds(bytes: Buffer): number {
  return wavSeconds(bytes) ?? bytes.length / TYPICAL_BYTES_PER_SECOND;
}
