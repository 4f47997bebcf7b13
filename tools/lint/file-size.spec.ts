import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The file-size limit of eslint.config.mjs (issue 15: a non-test source file under apps/ and libs/
 * has fewer than 250 lines, blank lines and comments included) refuses a file that breaks it. A
 * throw-away tree with the repository's layout is linted with the real config, type-aware rules
 * and all: files of 249 and 250 lines under apps/ and libs/, and tests, which the limit leaves alone.
 */
const repo = resolve(__dirname, '../..');

/** `n` lines of TypeScript, one in five blank and one in five a comment, ending with a newline. */
function lines(n: number): string {
  const line = (i: number) => (i % 5 === 1 ? '' : i % 5 === 3 ? `// note ${i}` : `export const v${i} = ${i};`);
  return Array.from({ length: n }, (_, i) => line(i)).join('\n') + '\n';
}

/** The rules each file breaks (a parsing error counts as `parse`), by path in the tree. */
async function lint(files: Record<string, string>): Promise<Record<string, string[]>> {
  const root = mkdtempSync(join(tmpdir(), 'file-size-'));
  try {
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022' }, include: ['**/*.ts'] }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    // With --config the config's `files` patterns are relative to the working directory, the tree's
    // root. Spawned like `npm run lint` runs it (jest's module loader cannot import the .mjs config).
    const run = spawnSync(
      process.execPath,
      [
        join(repo, 'node_modules/eslint/bin/eslint.js'),
        '--config',
        join(repo, 'eslint.config.mjs'),
        '--format',
        'json',
        ...Object.keys(files),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[];
    return Object.fromEntries(
      results.map((r) => [relative(root, r.filePath), r.messages.map((m) => m.ruleId ?? 'parse')]),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('file-size limit (eslint.config.mjs max-lines)', () => {
  it('refuses a 250-line source file under apps/ or libs/, accepts 249 lines and leaves tests alone', async () => {
    expect(lines(250).split('\n').length - 1).toBe(250);
    const found = await lint({
      'apps/ops/src/at-limit.ts': lines(249),
      'apps/ops/src/over-limit.ts': lines(250),
      'libs/platform/src/over-limit.ts': lines(250),
      'apps/ops/src/long.spec.ts': lines(400),
      'apps/ops/src/long.int-spec.ts': lines(400),
      'test/e2e/long.e2e-spec.ts': lines(400),
      'test/faults/long.fault-spec.ts': lines(400),
    });
    expect(found).toEqual({
      'apps/ops/src/at-limit.ts': [],
      'apps/ops/src/over-limit.ts': ['max-lines'],
      'libs/platform/src/over-limit.ts': ['max-lines'],
      'apps/ops/src/long.spec.ts': [],
      'apps/ops/src/long.int-spec.ts': [],
      'test/e2e/long.e2e-spec.ts': [],
      'test/faults/long.fault-spec.ts': [],
    });
  }, 120_000);
});
