/** Progress output (plain lines off a terminal, a bar with ETA on one) and --jobs. */
import { existsSync } from 'node:fs';
import test from 'ava';
import { execa } from 'execa';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir, corporaBuildDir } from '../src/paths.js';
import { mapLimit } from '../src/pool.js';
import { cliPath, runCli } from './helpers/cli.js';

const suite = (): string => `${corporaBuildDir()}/vp9/suite.json`;
const missing = (): string | null => {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir()), suite()]) if (!existsSync(f)) return `${f} is missing: run scripts/setup.sh`;
  return null;
};

test('mapLimit runs at most N jobs at once, all of them, results in input order', async (t) => {
  let running = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 1], 3, async (ms, i) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, ms * 10));
    running--;
    return i * 10;
  });
  t.deepEqual(out, [0, 10, 20, 30, 40, 50]);
  t.is(most, 3);
  let one = 0;
  await mapLimit([1, 1, 1], 1, async () => {
    one++;
    t.is(one, 1);
    await new Promise((r) => setTimeout(r, 5));
    one--;
  });
});

test('conform off a terminal: one plain progress line per vector on stderr, --jobs 2', async (t) => {
  const m = missing();
  if (m) return t.fail(m);
  const r = await runCli(['conform', '--suite', suite(), '--filter', '{vp9-352x288-altref,vp9-864x480}', '--jobs', '2']);
  t.is(r.exitCode, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  t.is(lines.length, 2, r.stderr);
  for (const l of lines) t.regex(l, /^\[[12]\/2\] vareq-vp9-corpus\/vp9-(352x288-altref|864x480): pass \(\d+\.\d s\)$/);
  t.false(r.stderr.includes('ETA'));
  t.is((await runCli(['conform', '--suite', suite(), '--filter', 'vp9-864x480', '--no-progress'])).stderr, '');
  t.is((await runCli(['conform', '--suite', suite(), '--jobs', '0'])).exitCode, 2, '--jobs must be a positive integer');
});

test('conform on a terminal: a progress bar with an ETA', async (t) => {
  const m = missing();
  if (m) return t.fail(m);
  // script(1) gives the CLI a pseudo-terminal (its stdout and stderr are then a TTY)
  const cmd = [process.execPath, cliPath, 'conform', '--suite', suite(), '--filter', 'vp9-864x480'].map((a) => `'${a}'`).join(' ');
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { reject: false, stdin: 'ignore', timeout: 300_000 });
  t.is(r.exitCode, 0, r.stdout);
  t.regex(r.stdout, /conform \[[^\]]*\] \d+\/1 ETA/);
  t.regex(r.stdout, /1 passed/);
});
