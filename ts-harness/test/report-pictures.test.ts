/** `vareq report` on a vector forced to fail (simdev fault vp9-swap-ref-ts): the report has its three pictures. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { PNG } from 'pngjs';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir, corporaBuildDir } from '../src/paths.js';
import { runCli } from './helpers/cli.js';

const VECTOR = 'vp9-352x288-altref';

function missingPrerequisite(): string | null {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir()), path.join(corporaBuildDir(), 'vp9', 'suite.json')]) {
    if (!existsSync(f)) return `${f} is missing: run scripts/setup.sh (meson build + corpora) first`;
  }
  return null;
}

for (const keep of [false, true]) {
  test(`a forced failing vector gives a report with the hardware frame, the reference and their difference (${keep ? 'kept raw output' : 're-decoded'})`, async (t) => {
    const missing = missingPrerequisite();
    if (missing) return t.fail(missing);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-report-'));
    const json = path.join(dir, 'result.json');
    const conform = await runCli(['conform', '--suite', 'corpus:vp9', '--filter', VECTOR, '--env', 'VAREQ_SIM_FAULTS=vp9-swap-ref-ts', '--json', json, '--no-progress',
      ...(keep ? ['--keep-output', path.join(dir, 'kept')] : [])]);
    t.is(conform.exitCode, 1, conform.stderr);
    const out = path.join(dir, 'report');
    const run = await runCli(['report', json, '--out', out]);
    t.is(run.exitCode, 0, run.stderr);
    t.deepEqual(run.stdout.trim().split('\n'), [path.join(out, 'report.html'), path.join(out, 'report.md')]);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    t.regex(md, new RegExp(`### vareq-vp9-corpus / ${VECTOR}: frame \\d+`));
    t.regex(md, keep ? /kept raw output/ : /decoded again/);
    const differing = /(\d+) of (\d+) pixels differ/.exec(md);
    t.truthy(differing, md);
    t.true(Number(differing?.[1]) > 0, 'the pictures differ');
    for (const cls of ['pic-actual', 'pic-reference', 'pic-diff']) {
      const m = new RegExp(`<figure class="${cls}"><img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">`).exec(html);
      t.truthy(m, `${cls} embedded`);
      const png = PNG.sync.read(Buffer.from(m?.[1] ?? '', 'base64'));
      t.deepEqual([png.width, png.height], [352, 288], cls);
    }
    t.false(/src="(?!data:)/.test(html), 'HTML is self-contained');
    const images = [...md.matchAll(/\]\((img\/[^)]+\.png)\)/g)].map((x) => x[1] ?? '');
    t.is(images.length, 3);
    for (const f of images) t.true(existsSync(path.join(out, f)), f);
    t.regex(html, /<td class="v-fail">fail<\/td>/);
  });
}

test('report: a file that is not a conform result is a usage error (exit 2)', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-report-'));
  const bad = path.join(dir, 'bad.json');
  await import('node:fs/promises').then((fs) => fs.writeFile(bad, '{"vectors": []}'));
  const r = await runCli(['report', bad, '--out', path.join(dir, 'o')]);
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /result .*bad\.json/);
  t.is((await runCli(['report', path.join(dir, 'none.json'), '--out', dir])).exitCode, 2);
  t.is((await runCli(['report', bad])).exitCode, 2, '--out is required');
});
