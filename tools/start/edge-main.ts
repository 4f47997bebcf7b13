import 'reflect-metadata';
import { ConfigError, loadConfig } from '@ct/platform';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { Edge } from './edge';

class EdgeEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** name=url pairs, comma-separated; the `ops` upstream also serves what no other route matches. */
  @Matches(/^[\w-]+=https?:\/\/[^,]+(,[\w-]+=https?:\/\/[^,]+)*$/, {
    message: 'EDGE_UPSTREAMS must be name=http://host:port[,name=...]',
  })
  EDGE_UPSTREAMS = '';
}

/** The edge alone, for deployments where each service runs in its own container. */
async function main(): Promise<void> {
  let env: EdgeEnv;
  try {
    env = loadConfig(EdgeEnv);
  } catch (err) {
    process.stderr.write(`edge: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
  const upstreams = env.EDGE_UPSTREAMS.split(',').map((pair) => {
    const [name, url] = pair.split('=');
    return { name, url };
  });
  const edge = new Edge(upstreams, upstreams.find((u) => u.name === 'ops') ?? upstreams[0]);
  for (let attempt = 1; ; attempt++) {
    try {
      await edge.load();
      break;
    } catch (err) {
      if (attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  await edge.listen(env.PORT);
  process.stdout.write(`edge listening on :${env.PORT}\n`);
  const stop = () => void edge.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started by `npm start` with an IPC channel: when the supervisor is gone (even SIGKILLed), stop.
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => {
      stop();
      // Nobody is left to SIGKILL a close that waits on open connections.
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
}

void main().catch((err) => {
  process.stderr.write(`edge: ${(err as Error).message}\n`);
  process.exit(1);
});
