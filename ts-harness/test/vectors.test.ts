/** The official vector suites (VAREQ_VECTORS, default ../shared/vectors) parse and their files exist. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { vectorsDir } from '../src/paths.js';
import { loadSuite } from '../src/suite.js';

test('official suites parse and every input file exists', (t) => {
  const dir = vectorsDir();
  if (!existsSync(path.join(dir, 'suites'))) {
    t.fail(`official conformance vectors expected in ${dir} (with suites/*.json); set VAREQ_VECTORS to their directory`);
    return;
  }
  const files = readdirSync(path.join(dir, 'suites')).filter((f) => f.endsWith('.json'));
  t.true(files.length > 0);
  for (const f of files) {
    const s = loadSuite(path.join(dir, 'suites', f));
    t.true(s.vectors.length > 0, f);
    const missing = s.vectors.filter((v) => !existsSync(v.inputPath)).map((v) => v.inputPath);
    t.deepEqual(missing, [], `${f}: input files missing`);
  }
});
