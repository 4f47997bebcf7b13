import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The layer rules in .dependency-cruiser.cjs are the architecture's boundaries; this shows each one
 * refuses a breach. A throw-away tree with the repository's layout is cruised with the real config:
 * every file below breaks exactly one rule, plus one file that breaks none.
 */
const repo = resolve(__dirname, '../..');

function cruise(files: Record<string, string>): { rule: string; from: string }[] {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          baseUrl: './',
          paths: { '@ct/platform': ['libs/platform/src'], '@ct/messaging': ['libs/messaging/src'] },
        },
      }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const run = spawnSync(
      process.execPath,
      [
        join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        '--config',
        join(repo, '.dependency-cruiser.cjs'),
        '--output-type',
        'json',
        'apps',
        'libs',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const out = JSON.parse(run.stdout) as {
      summary: { violations: { rule: { name: string }; from: string }[] };
    };
    return out.summary.violations
      .map((v) => ({ rule: v.rule.name, from: v.from }))
      .sort((a, b) => a.from.localeCompare(b.from));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('refuses each kind of breach and accepts the allowed direction', () => {
    const violations = cruise({
      'libs/contracts/src/index.ts': 'export const TOPIC = 1;\n',
      'libs/platform/src/index.ts': "import { TOPIC } from '../../contracts/src';\nexport const P = TOPIC;\n",
      'libs/platform/src/up.ts': "import { M } from '@ct/messaging';\nexport const U = M;\n",
      'libs/messaging/src/index.ts': "import { Kafka } from 'kafkajs';\nexport const M = Kafka;\n",
      'libs/runtime/src/leak.ts': "import { Kafka } from 'kafkajs';\nexport const L = Kafka;\n",
      'apps/ops/src/reach.ts': "import { T } from '../../tracing/src/thing';\nexport const R = T;\n",
      'apps/tracing/src/thing.ts': "import { P } from '@ct/platform';\nexport const T = P;\n",
      'apps/tracing/src/cases/domain/rule.ts':
        "import { Injectable } from '@nestjs/common';\nexport const D = Injectable;\n",
    });
    expect(violations).toEqual([
      { rule: 'app-imports-another-app', from: 'apps/ops/src/reach.ts' },
      { rule: 'domain-is-plain-typescript', from: 'apps/tracing/src/cases/domain/rule.ts' },
      { rule: 'platform-imports-only-contracts', from: 'libs/platform/src/up.ts' },
      { rule: 'only-messaging-imports-kafkajs', from: 'libs/runtime/src/leak.ts' },
    ]);
  });
});
