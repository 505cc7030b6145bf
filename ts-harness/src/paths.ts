/** Where things are in the repository and its build directory. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: ts-harness/dist/<file>.js (or dist/test-build/src/<file>.js) → walk up to package.json. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'ts-harness'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the vareq repository root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const repoRoot: string = process.env['VAREQ_REPO_ROOT'] ?? findRepoRoot();

/** Meson build directory (VAREQ_BUILD_DIR overrides <repo>/build). */
export function buildDir(): string {
  const fromEnv = process.env['VAREQ_BUILD_DIR'];
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot, 'build');
}

export function cacheDir(): string {
  return path.join(buildDir(), 'cache');
}

/** Official conformance vectors: VAREQ_VECTORS, default ../shared/vectors relative to the repo root. */
export function vectorsDir(): string {
  const fromEnv = process.env['VAREQ_VECTORS'];
  return fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, '..', 'shared', 'vectors');
}

export function corporaSourceDir(): string {
  return path.join(repoRoot, 'corpora');
}

export function corporaBuildDir(): string {
  return path.join(buildDir(), 'corpora');
}
