/**
 * The broker's jars: resolved once from Maven Central by Maven (tools/kafka/pom.xml) into a project
 * cache, through a private download dir that is renamed into place only when complete.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultLog, isAlive, ProcessExit, seconds, TAIL_LINES } from './lifecycle';

const KAFKA_JAR = /^kafka_2\.13-3\.9[^/]*\.jar$/;

/** The repo root is wherever tools/kafka/pom.xml is, both from tools/kafka (ts) and dist/tools/kafka (js). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'kafka', 'pom.xml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`kafka: cannot find tools/kafka/pom.xml above ${__dirname}`);
  }
}

function defaultCacheDir(): string {
  return join(repoRoot(), '.cache', 'kafka');
}

function hasKafkaJar(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => KAFKA_JAR.test(f));
  } catch {
    return false;
  }
}

/** Download dirs are named lib.tmp-<pid>-<rand>; ones whose owner died were interrupted and are just junk. */
async function removeAbandonedDownloads(cacheDir: string): Promise<void> {
  const entries = await fsp.readdir(cacheDir).catch(() => [] as string[]);
  for (const name of entries) {
    const m = /^lib\.tmp-(\d+)-/.exec(name);
    if (m && !isAlive(Number(m[1]))) await fsp.rm(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** Shows download progress: one self-updating line on a TTY, otherwise a line every 10 files. */
function progressReporter(log: (l: string) => void, useTty: boolean) {
  const label = 'kafka: downloading broker jars from Maven Central…';
  let files = 0;
  let lineOpen = false;
  if (useTty) {
    process.stderr.write(`${label} 0 files`);
    lineOpen = true;
  } else {
    log(`${label} (first run only)`);
  }
  return {
    downloaded(): void {
      files += 1;
      if (useTty) process.stderr.write(`\r${label} ${files} files`);
      else if (files % 10 === 0) log(`${label} ${files} files`);
    },
    end(): number {
      if (lineOpen) process.stderr.write('\n');
      lineOpen = false;
      return files;
    },
  };
}

/** Resolves the broker jars into `<cacheDir>/lib` (once) and returns that directory. */
export async function ensureKafkaJars(opts: { cacheDir?: string; log?: (l: string) => void } = {}): Promise<string> {
  const cacheDir = resolve(opts.cacheDir ?? defaultCacheDir());
  const libDir = join(cacheDir, 'lib');
  if (hasKafkaJar(libDir)) return libDir;

  const log = opts.log ?? defaultLog;
  const started = Date.now();
  await fsp.mkdir(cacheDir, { recursive: true });
  await removeAbandonedDownloads(cacheDir);
  // Maven writes into a private dir that is renamed into place only when complete, so an
  // interrupted run can never leave a lib dir that passes the hasKafkaJar() check.
  const tmpLib = join(cacheDir, `lib.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const pom = join(repoRoot(), 'tools', 'kafka', 'pom.xml');
  const progress = progressReporter(log, !opts.log && process.stderr.isTTY === true);
  try {
    // Not -q: the "Downloaded from" lines are what the progress counts.
    const args = [
      '-B',
      '-Dstyle.color=never',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmpLib}`,
      '-DincludeScope=runtime',
    ];
    const tail: string[] = [];
    const exit = await new Promise<ProcessExit>((res, rej) => {
      const mvn = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      mvn.on('error', (err: NodeJS.ErrnoException) =>
        rej(
          err.code === 'ENOENT'
            ? new Error(
                'kafka: Maven (mvn) is not on PATH; it is needed once to download the broker jars from Maven Central',
              )
            : err,
        ),
      );
      for (const stream of [mvn.stdout, mvn.stderr]) {
        createInterface({ input: stream }).on('line', (raw) => {
          const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
          if (line.includes('Downloaded from')) progress.downloaded();
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
        });
      }
      mvn.on('close', (code, signal) => res({ code, signal }));
    });
    const files = progress.end();
    if (exit.code !== 0 || !hasKafkaJar(tmpLib)) {
      throw new Error(
        `kafka: mvn failed (exit ${exit.code ?? exit.signal}) resolving the broker jars with ${pom}; last output:\n${tail.join('\n')}`,
      );
    }
    // A concurrent run may have won the race; its lib is as good as ours.
    if (!hasKafkaJar(libDir)) {
      await fsp.rm(libDir, { recursive: true, force: true });
      try {
        await fsp.rename(tmpLib, libDir);
      } catch (err) {
        if (!hasKafkaJar(libDir)) throw err;
      }
    }
    const jars = readdirSync(libDir).filter((f) => f.endsWith('.jar')).length;
    log(`kafka: ${jars} broker jars ready in ${libDir} (${files} files downloaded, ${seconds(started)})`);
    return libDir;
  } finally {
    progress.end();
    await fsp.rm(tmpLib, { recursive: true, force: true });
  }
}
