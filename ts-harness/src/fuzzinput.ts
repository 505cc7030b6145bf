/**
 * Malformed-input suites (AV1-BAD-INPUT): the files are dav1d fuzzer reproducers in the framing
 * of dav1d's fuzz harness (tools/dav1d_fuzzer.c): the first 32 bytes are skipped as an IVF file
 * header (most do not start with a valid `DKIF` signature), then each frame is a 12-byte IVF frame
 * header (32-bit little-endian size, 64-bit timestamp) and OBU data. FFmpeg's IVF demuxer rejects a
 * file without the signature before any decoding, so the stream is handed to ffmpeg with a valid
 * IVF file header in place of the first 32 bytes: the frames reach the decoder as they reach dav1d
 * in the fuzzer.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAv1 } from './av1.js';
import { IVF_HEADER_SIZE, writeIvfHeader } from './corpora/ivf.js';
import type { TestVector } from './suite.js';

/** The IVF file header put in place of the fuzzer's: AV1 (`AV01`), 64x64, 30/1 fps, frame count 0 (unknown). */
const AV1_IVF_HEADER = writeIvfHeader({ fourcc: 'AV01', width: 64, height: 64, rateNum: 30, rateDen: 1 }, 0);

/** The fuzzer's framing as an IVF file: a valid file header, then the bytes after the first 32. */
export function fuzzerFramingToIvf(data: Buffer): Buffer {
  return Buffer.concat([AV1_IVF_HEADER, data.subarray(Math.min(IVF_HEADER_SIZE, data.length))]);
}

/** Whether a vector is a dav1d fuzzer reproducer (AV1, `expected: no-crash`). */
export const usesFuzzerFraming = (v: Pick<TestVector, 'codec' | 'expected'>): boolean => isAv1(v.codec) && v.expected === 'no-crash';

/** The file the client decodes: the vector's own, or an IVF copy in `workDir` for fuzzer framing. */
export async function clientInput(v: TestVector, workDir: string): Promise<string> {
  if (!usesFuzzerFraming(v)) return v.inputPath;
  const file = path.join(workDir, 'input.ivf');
  await writeFile(file, fuzzerFramingToIvf(await readFile(v.inputPath)));
  return file;
}
