/**
 * kafka fetch                                   download the broker jars into the project cache
 * kafka start [--port 9092] [--data-dir DIR]    run a broker in the foreground until SIGINT/SIGTERM
 *   [--sasl DIR]                                a SASL_SSL listener instead, with a test CA and SCRAM users
 *                                               whose password files are kept in DIR (sasl-dir.ts)
 * kafka topics [--brokers 127.0.0.1:9092]       list topics and partition counts (like kcat -L)
 * kafka acls [--dry-run]                        create the topics and apply the ACLs, as the admin
 *
 * Without --data-dir the broker uses a temp dir that is removed on stop; with it, data is kept.
 * `topics` and `acls` connect with the Kafka variables of the environment (KAFKA_BROKERS,
 * KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_USERNAME=admin, … as in .env.example).
 */
import 'reflect-metadata';
import { applyAcls, createKafka, parseBrokers, provisionTopics, topicRetentionFromDays } from '@ct/messaging';
import { BaseEnv, kafkaSecurity, loadConfig } from '@ct/platform';
import { Logger } from '@nestjs/common';
import { describePlan, projectAclPlan } from './acls';
import { ensureKafkaJars, startBroker } from './broker';
import { prepareSaslDir } from './sasl-dir';
import { resolve } from 'node:path';

const USAGE = `usage: kafka fetch
       kafka start [--port 9092] [--controller-port N] [--data-dir DIR] [--heap-mb 512] [--sasl DIR]
       kafka topics [--brokers 127.0.0.1:9092]
       kafka acls [--dry-run]
`;

/** A client of the environment's brokers, with its SASL_SSL settings (the admin's, for acls). */
function envKafka(clientId: string, brokers?: string) {
  const env = loadConfig(BaseEnv);
  const kafka = createKafka({
    brokers: parseBrokers(brokers ?? env.KAFKA_BROKERS),
    clientId,
    security: kafkaSecurity(env),
  });
  return { env, kafka };
}

/**
 * Creates every topic and .dlq (the services' principals may not) and makes the ACLs of the
 * project's principals exactly what the code declares (tools/kafka/acls.ts). Idempotent.
 */
async function acls(args: string[]): Promise<number> {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--dry-run'))
    throw new UsageError(`unexpected arguments: ${args.join(' ')}`);
  // Building the five services' modules (only to read their handlers) makes Nest chatty.
  Logger.overrideLogger(['error']);
  const plan = projectAclPlan(process.env);
  process.stdout.write(`${describePlan(plan)}\n`);
  if (args[0] === '--dry-run') return 0;
  const { env, kafka } = envKafka('kafka-acls');
  const created = await provisionTopics(
    kafka,
    { checkins: env.KAFKA_PARTITIONS_CHECKINS, default: env.KAFKA_PARTITIONS_DEFAULT },
    topicRetentionFromDays({
      checkins: env.KAFKA_RETENTION_CHECKINS_DAYS,
      events: env.KAFKA_RETENTION_EVENTS_DAYS,
      dlq: env.KAFKA_RETENTION_DLQ_DAYS,
    }),
  );
  process.stdout.write(`kafka: topics ready (${created.length} created)\n`);
  const done = await applyAcls(kafka, plan);
  process.stdout.write(
    `kafka: ${plan.length} ACLs in place (${done.created} created, ${done.deleted} stale removed)\n`,
  );
  return 0;
}

class UsageError extends Error {}

function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const [name, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!['--port', '--controller-port', '--data-dir', '--heap-mb', '--sasl'].includes(name)) {
      throw new UsageError(`unknown argument: ${arg}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

function intFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be an integer, got ${raw}`);
  return n;
}

async function start(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  const dataDir = flags.get('--data-dir');
  const saslDir = flags.get('--sasl');
  const broker = await startBroker({
    security: saslDir ? await prepareSaslDir(saslDir) : undefined,
    port: intFlag(flags, '--port', 9092),
    controllerPort: intFlag(flags, '--controller-port', 0),
    dataDir,
    keepData: dataDir !== undefined,
    heapMb: intFlag(flags, '--heap-mb', 512),
  });
  process.stdout.write(`kafka: broker ready at ${broker.brokers} (pid ${broker.pid})\n`);
  if (saslDir) {
    process.stdout.write(
      `kafka: SASL_SSL: KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SSL_CA_FILE=${resolve(saslDir, 'tls', 'ca.pem')} ` +
        `KAFKA_SASL_USERNAME=<admin|service|feed> KAFKA_SASL_PASSWORD_FILE=${resolve(saslDir)}/<name>.password\n`,
    );
  }
  process.stdout.write(`kafka: log ${broker.logFile}; press Ctrl-C to stop\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second Ctrl-C means "now": the library's exit handler SIGKILLs the broker.
        process.stderr.write(`kafka: ${signal} again, killing the broker\n`);
        resolve(130);
        return;
      }
      stopping = true;
      process.stderr.write(`kafka: ${signal}, stopping the broker…\n`);
      broker.stop().then(
        () => {
          process.stderr.write('kafka: broker stopped\n');
          resolve(0);
        },
        (err: unknown) => {
          process.stderr.write(`kafka: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void broker.exited.then(({ code, signal }) => {
      if (stopping) return;
      process.stderr.write(`kafka: broker exited unexpectedly (exit ${code ?? signal}); see ${broker.logFile}\n`);
      void broker.stop().finally(() => resolve(1));
    });
    // The broker child is unref'd so that library users are never kept alive by it; here we
    // want exactly that, until a signal or the broker's own exit settles the promise.
    setInterval(() => undefined, 1 << 30);
  });
}

async function topics(args: string[]): Promise<number> {
  if (args.length > 0 && (args[0] !== '--brokers' || args.length !== 2))
    throw new UsageError(`unexpected arguments: ${args.join(' ')}`);
  const { kafka } = envKafka('kafka-cli', args[1]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata();
    for (const t of meta.topics.filter((t) => !t.name.startsWith('__')).sort((a, b) => a.name.localeCompare(b.name))) {
      process.stdout.write(`${t.name}\t${t.partitions.length} partitions\n`);
    }
  } finally {
    await admin.disconnect();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'fetch': {
      if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
      const lib = await ensureKafkaJars();
      process.stdout.write(`kafka: broker jars in ${lib}\n`);
      return 0;
    }
    case 'start':
      return start(rest);
    case 'topics':
      return topics(rest);
    case 'acls':
      return acls(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`kafka: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
