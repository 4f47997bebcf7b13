import { createKafka, parseBrokers, provisionTopics, TopicPartitions } from '@ct/messaging';
import type { Kafka } from 'kafkajs';
import * as http from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { freePort, RunningBroker, startBroker } from '../../tools/kafka/broker';
import { freshBenchDatabase } from './database';
import { ServiceProcess, startServiceProcess } from './service-process';

export interface BenchService extends ServiceProcess {
  /**
   * A JSON request with a bearer token; a status other than 2xx fails the bench with the method,
   * the path, the status and the answer.
   */
  call<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<T>;
}

export interface BenchStack {
  /** KAFKA_BROKERS when set, else the fresh broker's address. */
  brokers: string;
  kafka: Kafka;
  databaseUrl: string;
  /**
   * Runs one of the apps as its own process on a free port, on the bench database and broker (env
   * adds to DATABASE_URL and KAFKA_BROKERS); stopped at the end, the last started first.
   */
  service(app: string, env?: Record<string, string>): Promise<BenchService>;
  /** A client on the bench database (after a service applied its migrations); closed at the end. */
  db(): Promise<Client>;
  /** Closes the clients and stops the services now (before the figures are printed); the end does it otherwise. */
  stopServices(): Promise<void>;
}

export interface BenchStackOptions {
  /** The bench database: dropped and re-created (its name must contain "bench"). */
  databaseUrl: string;
  /** The Kafka client id of the bench's own producer, readers and admin. */
  clientId: string;
  log: (s: string) => void;
  /** Topics made before any service starts, with these partition counts; else the services make them. */
  topics?: TopicPartitions;
  /** The fresh broker's heap (tools/kafka). */
  brokerHeapMb?: number;
}

/**
 * The scaffolding of a bench that runs services as their own processes: a broker (a fresh one
 * from tools/kafka unless KAFKA_BROKERS is set), a fresh bench database, the topics; `run` gets the
 * stack, and whatever it started is stopped when it returns or fails.
 */
export async function withBenchStack<T>(o: BenchStackOptions, run: (stack: BenchStack) => Promise<T>): Promise<T> {
  let broker: RunningBroker | undefined;
  const services: ServiceProcess[] = [];
  const clients: Client[] = [];
  const stopServices = async () => {
    for (const c of clients.splice(0)) await c.end();
    for (const s of services.splice(0).reverse()) await s.stop();
    agent.destroy();
  };
  try {
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      o.log('starting a fresh Kafka broker (tools/kafka)');
      broker = await startBroker({ log: o.log, heapMb: o.brokerHeapMb ?? 768 });
      brokers = broker.brokers;
    } else o.log(`using the broker at ${brokers}`);
    await freshBenchDatabase(o.databaseUrl);
    const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: o.clientId });
    if (o.topics) await provisionTopics(kafka, o.topics);
    const stack: BenchStack = {
      brokers,
      kafka,
      databaseUrl: o.databaseUrl,
      service: async (app, env = {}) => {
        const svc = await startServiceProcess(
          app,
          await freePort(),
          { DATABASE_URL: o.databaseUrl, KAFKA_BROKERS: stack.brokers, ...env },
          o.log,
        );
        services.push(svc);
        return { ...svc, call: (method, path, token, body) => callJson(svc.base, method, path, token, body) };
      },
      db: async () => {
        const c = new Client({ connectionString: o.databaseUrl });
        await c.connect();
        clients.push(c);
        return c;
      },
      stopServices,
    };
    return await run(stack);
  } finally {
    await stopServices();
    await broker?.stop();
  }
}

/** Kept-alive connections: the bench's own CPU per request is small next to the service's (fetch's is not). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A JSON request over node:http (a lean client: the bench shares the machine with what it measures). */
function callJson<T>(base: string, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) reject(new Error(`${method} ${path} answered ${status}: ${text}`));
          else resolve((text ? JSON.parse(text) : undefined) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The machine the figures come from, with its load average when the bench started (call it first). */
export function benchMachine(): {
  /** "2 cores, 8 GiB; <what> on the same machine; load average at start 0.52 0.61 0.70" */
  describe(what: string): string;
  /** The JSON line's fields: cores and loadAvgAtStart. */
  json: { cores: number; loadAvgAtStart: number[] };
} {
  const load = loadavg();
  return {
    describe: (what) =>
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${what} on the same machine; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}`,
    json: { cores: cpus().length, loadAvgAtStart: load.map((l) => Number(l.toFixed(2))) },
  };
}
