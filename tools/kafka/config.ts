/**
 * The broker's configuration: server.properties (KRaft combined broker+controller), log4j, the JVM
 * flags, and the one-time storage format.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ProcessExit, tailOf } from './lifecycle';
import type { BrokerTls } from './tls';

/**
 * A SASL_SSL listener for clients instead of PLAINTEXT: SCRAM-SHA-512 over TLS, KRaft's
 * StandardAuthorizer, and nothing allowed without an ACL. The controller listener stays PLAINTEXT
 * on loopback (its principal, ANONYMOUS, is a super user so the broker can register with it).
 */
export interface BrokerSecurity {
  /**
   * SCRAM-SHA-512 users created when the storage is formatted (name → password). Must include
   * `admin`: the super user, which the broker also uses for itself.
   */
  users: Record<string, string>;
  tls: BrokerTls;
}

export const SUPER_USER = 'admin';

/** What a JAAS or --add-scram value can carry without quoting trouble. */
const SAFE_CREDENTIAL = /^[A-Za-z0-9._~+/=-]{1,128}$/;

export function checkSecurity(s: BrokerSecurity): void {
  if (!s.users[SUPER_USER]) throw new Error(`kafka: security.users must include the super user "${SUPER_USER}"`);
  for (const [name, password] of Object.entries(s.users)) {
    if (!SAFE_CREDENTIAL.test(name)) throw new Error(`kafka: SCRAM user name ${JSON.stringify(name)} is not allowed`);
    // The value is a secret: never in the message.
    if (!SAFE_CREDENTIAL.test(password))
      throw new Error(`kafka: the password of SCRAM user ${name} must be 1-128 of A-Z a-z 0-9 . _ ~ + / = -`);
  }
}

function securityProperties(port: number, controllerPort: number, s: BrokerSecurity): string[] {
  return [
    `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=SASL_SSL://127.0.0.1:${port}`,
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=SASL_SSL',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule ' +
      `required username="${SUPER_USER}" password="${s.users[SUPER_USER]}";`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${s.tls.keystoreFile}`,
    `ssl.keystore.password=${s.tls.keystorePassword}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${s.tls.caFile}`,
    'ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${SUPER_USER};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
  ];
}

/** --add-scram arguments of the storage format, one per user. */
export function scramFormatArgs(s: BrokerSecurity | undefined): string[] {
  if (!s) return [];
  return Object.entries(s.users).flatMap(([name, password]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${password}]`,
  ]);
}

/** One node of a KRaft cluster whose nodes are all combined broker and controller. */
export interface ClusterMembership {
  nodeId: number;
  /** controller.quorum.voters, e.g. "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097". */
  voters: string;
  /** Shared by every node's storage format. */
  clusterId: string;
  /** Replicas of every topic (default.replication.factor, offsets and transaction logs). */
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** Kafka cluster ids are 16 random bytes, base64url without padding; a leading '-' would read as a CLI flag. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function serverProperties(o: {
  port: number;
  controllerPort: number;
  logDirs: string;
  cluster?: ClusterMembership;
  security?: BrokerSecurity;
}): string {
  const c = o.cluster;
  const plain = [
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
  ];
  const secured = o.security && securityProperties(o.port, o.controllerPort, o.security);
  const rf = c?.replicationFactor ?? 1;
  const isr = c?.minInsyncReplicas ?? 1;
  return [
    'process.roles=broker,controller',
    `node.id=${c?.nodeId ?? 1}`,
    `controller.quorum.voters=${c?.voters ?? `1@127.0.0.1:${o.controllerPort}`}`,
    ...(secured ?? plain),
    'controller.listener.names=CONTROLLER',
    `log.dirs=${o.logDirs}`,
    'num.partitions=3',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    // A node that comes back takes its partitions' leadership back soon (cluster only).
    // Cluster only: a dead broker is fenced (and its partitions' leadership moved) after 3 s rather
    // than 9 s; a node that comes back takes its leaderships back soon.
    ...(c
      ? [
          'broker.session.timeout.ms=3000',
          'broker.heartbeat.interval.ms=1000',
          'leader.imbalance.check.interval.seconds=5',
          'unclean.leader.election.enable=false',
        ]
      : []),
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Per-request and per-partition chatter would bury the lines worth reading.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

export function jvmArgs(libDir: string, log4jFile: string, heapMb: number): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Xms${Math.min(heapMb, 128)}m`,
    // A small heap on a small machine: the serial collector. G1's concurrent threads and barriers
    // cost this broker ~2 s of CPU per 33,000 events received on a 2-core machine; serial ~0.4 s.
    // C1 only: the broker is warm sooner and compiles less (a development and test broker).
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
    '-cp',
    join(libDir, '*'),
  ];
}

export async function formatStorage(
  libDir: string,
  dataDir: string,
  configFile: string,
  log4jFile: string,
  logFile: string,
  clusterId = newClusterId(),
  security?: BrokerSecurity,
): Promise<void> {
  // With static controller.quorum.voters, 3.9 formats without --standalone/--initial-controllers.
  const args = [
    ...jvmArgs(libDir, log4jFile, 256),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    configFile,
    ...scramFormatArgs(security),
  ];
  const out: string[] = [];
  const { code, signal } = await new Promise<ProcessExit>((res, rej) => {
    const p = spawn('java', args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    p.on('error', (err: NodeJS.ErrnoException) =>
      rej(err.code === 'ENOENT' ? new Error('kafka: java is not on PATH (Java 17+ is needed to run the broker)') : err),
    );
    p.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    p.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    p.on('close', (c, s) => res({ code: c, signal: s }));
  });
  if (code !== 0) {
    // The tool's output could repeat an --add-scram argument: no password in the message.
    const secrets = Object.values(security?.users ?? {});
    const said = secrets.reduce((text, p) => text.split(p).join('***'), out.join('').trim());
    throw new Error(`kafka: formatting storage failed (exit ${code ?? signal}):\n${said}\n${await tailOf(logFile)}`);
  }
}
