import 'reflect-metadata';
import { freePort, startBroker } from '../../tools/kafka/broker';
import { startServiceProcess } from '../support';

async function main() {
  const log = (s: string) => console.log(s);
  const broker = await startBroker({ log, heapMb: 512 });
  const port = await freePort();
  const svc = await startServiceProcess('quarantine', port, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lead_bench_care',
    KAFKA_BROKERS: broker.brokers,
    QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
    CARE_PASS_INTERVAL_SECONDS: '0',
  }, log);
  const staff = svc.issuer.mint({ subject: 'bench-staff', roles: ['quarantine'], areas: ['*'] });
  const run = async (label: string, path: string, auth: boolean, n = 2000) => {
    let next = 0; const lat: number[] = [];
    const t = Date.now();
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const s = performance.now();
        const r = await fetch(`${svc.base}${path}`, { headers: auth ? { authorization: `Bearer ${staff}` } : {} });
        await r.text();
        lat.push(performance.now() - s);
      }
    }));
    lat.sort((a, b) => a - b);
    console.log(label, (n / ((Date.now() - t) / 1000)).toFixed(0), '/s p50', lat[n / 2].toFixed(1), 'p95', lat[Math.floor(n * 0.95)].toFixed(1));
  };
  await run('warm', '/health/live', false, 500);
  await run('health/live', '/health/live', false);
  await run('auth GET facilities', '/care/facilities', true);
  await run('auth GET facilities', '/care/facilities', true);
  await svc.stop(); await broker.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
