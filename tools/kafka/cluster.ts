/** A KRaft cluster of combined broker+controller nodes, each a node.ts broker on its own ports and data. */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalGroup } from '../support/process-group';
import { ClusterMembership, newClusterId } from './config';
import { defaultLog, freePort } from './lifecycle';
import { RunningBroker, startBroker } from './node';

export interface ClusterNode {
  nodeId: number;
  port: number;
  controllerPort: number;
  dataDir: string;
  /** The running broker, or null while the node is down. */
  broker: RunningBroker | null;
}

export interface RunningCluster {
  /** "127.0.0.1:p1,127.0.0.1:p2,...", for KAFKA_BROKERS. */
  brokers: string;
  nodes: ClusterNode[];
  /** SIGKILL of one node's JVM (its data stays): a crashed broker. */
  kill(nodeId: number): Promise<void>;
  /** Starts a killed node again on its ports and data. */
  restart(nodeId: number): Promise<void>;
  /** Stops every node and removes the data. */
  stop(): Promise<void>;
}

/**
 * A KRaft cluster of `nodes` combined broker+controller nodes on free loopback ports (the
 * scale-out proof of ARCHITECTURE.md: replication factor = nodes, min.insync.replicas = nodes - 1,
 * producers with acks=all), each a plain `java` process with its own data dir. Nodes can be killed
 * and restarted one by one; the quorum and the partitions survive one lost node of three.
 */
export async function startCluster(
  opts: { nodes?: number; heapMb?: number; log?: (line: string) => void; readyTimeoutMs?: number } = {},
): Promise<RunningCluster> {
  const count = opts.nodes ?? 3;
  const log = opts.log ?? defaultLog;
  const root = await fsp.mkdtemp(join(tmpdir(), 'kafka-cluster-'));
  const used = new Set<number>();
  const port = async () => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= count; i++)
    nodes.push({
      nodeId: i,
      port: await port(),
      controllerPort: await port(),
      dataDir: join(root, `node-${i}`),
      broker: null,
    });
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const clusterId = newClusterId();
  const membership = (nodeId: number): ClusterMembership => ({
    nodeId,
    voters,
    clusterId,
    replicationFactor: count,
    minInsyncReplicas: Math.max(1, count - 1),
  });
  const start = async (n: ClusterNode) => {
    n.broker = await startBroker({
      port: n.port,
      controllerPort: n.controllerPort,
      dataDir: n.dataDir,
      keepData: true,
      heapMb: opts.heapMb ?? 256,
      log,
      readyTimeoutMs: opts.readyTimeoutMs,
      cluster: membership(n.nodeId),
    });
  };
  const node = (id: number) => {
    const n = nodes.find((x) => x.nodeId === id);
    if (!n) throw new Error(`kafka: no node ${id} in the cluster`);
    return n;
  };
  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        await n.broker?.stop();
        n.broker = null;
      }),
    );
    await fsp.rm(root, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    // Together: a node waits for a quorum of controllers before it reports itself started.
    await Promise.all(nodes.map(start));
  } catch (err) {
    await stop();
    throw err;
  }
  log(`kafka: cluster of ${count} nodes ready (${nodes.map((n) => n.port).join(', ')}), data in ${root}`);
  return {
    brokers: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    async kill(id) {
      const n = node(id);
      const b = n.broker;
      if (!b) return;
      signalGroup(b.pid, 'SIGKILL');
      await b.exited;
      await b.stop(); // untracks it; keepData leaves the data for the restart
      n.broker = null;
    },
    async restart(id) {
      const n = node(id);
      if (n.broker) return;
      await start(n);
    },
    stop,
  };
}
