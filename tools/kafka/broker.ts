/**
 * A real Apache Kafka broker (KRaft combined mode) for development and integration tests, without
 * Docker: the broker jars come from Maven Central (resolved once by Maven into a project cache) and
 * the broker runs as a plain `java` process. The pieces:
 *
 *   jars.ts       fetching the jars (Maven, project cache)
 *   config.ts     server.properties, log4j, JVM flags, storage format
 *   lifecycle.ts  ports, readiness, log tails, the watchdog that kills brokers left by a dying parent
 *   node.ts       startBroker: one broker process
 *   cluster.ts    startCluster: several nodes of one KRaft cluster
 *   tls.ts        a throwaway CA and broker certificate (openssl) for a SASL_SSL broker
 *
 * This file is the entry point the rest of the project imports.
 */
export type { BrokerSecurity, ClusterMembership } from './config';
export { SUPER_USER } from './config';
export { makeBrokerTls } from './tls';
export type { BrokerTls } from './tls';
export { ensureKafkaJars } from './jars';
export { freePort } from './lifecycle';
export type { ProcessExit } from './lifecycle';
export { startBroker } from './node';
export type { BrokerOptions, RunningBroker } from './node';
export { startCluster } from './cluster';
export type { ClusterNode, RunningCluster } from './cluster';
