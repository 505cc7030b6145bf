/**
 * Official per-frame MD5 lists (VP8 test vectors' `.md5` files): one line per shown frame,
 * "<md5>  <stream>-<width>x<height>-<frame number>.i420"; the MD5 covers the I420 planes at the
 * display size.
 */
import { readFile } from 'node:fs/promises';

export interface OfficialFrame {
  md5: string;
  /** The frame's name as given in the file (may be empty). */
  name: string;
}

export function parseOfficialMd5(text: string, file = 'md5 file'): OfficialFrame[] {
  const out: OfficialFrame[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{32})(?:\s+\*?(\S.*))?$/.exec(line);
    if (!m?.[1]) throw new Error(`${file} line ${idx + 1}: cannot parse "${line}"`);
    out.push({ md5: m[1].toLowerCase(), name: m[2] ?? '' });
  });
  return out;
}

export async function readOfficialMd5(file: string): Promise<OfficialFrame[]> {
  return parseOfficialMd5(await readFile(file, 'utf8'), file);
}

export interface OfficialCheck {
  /** Frames compared (the shorter list). */
  checked: number;
  expected: number;
  mismatches: number;
  first_mismatch: number | null;
}

/** Compares per-frame MD5s (output order) with the official list; a missing or extra frame is a mismatch. */
export function checkOfficial(actual: readonly string[], official: readonly OfficialFrame[]): OfficialCheck {
  const checked = Math.min(actual.length, official.length);
  let mismatches = Math.abs(actual.length - official.length);
  let first: number | null = null;
  for (let i = 0; i < checked; i++) {
    if (actual[i] !== official[i]?.md5) {
      mismatches++;
      first ??= i;
    }
  }
  if (first === null && actual.length !== official.length) first = checked;
  return { checked, expected: official.length, mismatches, first_mismatch: first };
}
