/**
 * The project's Kafka principals and their ACLs, derived from the code (libs/messaging acls.ts):
 * one SCRAM user per service plus `feed` (the feed CLI); `npm run kafka -- acls` applies them.
 */
import { TOPIC_PRODUCERS } from '@ct/contracts';
import { AclRule, kafkaAclPlan, ServiceKafkaDeclaration } from '@ct/messaging';
import { loadConfig } from '@ct/platform';
import type { ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { ALL_SERVICES } from '../start/services';

/** Each service's root module and extra access, built from its environment's defaults (nothing connects). */
export function serviceDeclarations(
  defs: ServiceDefinition<ServiceEnv>[] = ALL_SERVICES,
  vars: Record<string, string | undefined> = {},
): ServiceKafkaDeclaration[] {
  return defs.map((def) => {
    // Only the module's shape is read: an issuer is required to build it, never contacted.
    const env = loadConfig(def.envSchema, { OIDC_ISSUER_URL: 'http://127.0.0.1/', ...vars });
    return { name: def.name, module: def.module(env), access: def.kafkaAccess?.(env) };
  });
}

/** The ACLs of every principal of the project. `vars`: the services' environment (e.g. OPS_MONITOR_GROUP). */
export function projectAclPlan(vars: Record<string, string | undefined> = {}): AclRule[] {
  return kafkaAclPlan(serviceDeclarations(ALL_SERVICES, vars));
}

/** Every SCRAM user the project's clients log in as (the services, feed), besides the admin. */
export function projectPrincipals(): string[] {
  const producers = Object.values(TOPIC_PRODUCERS).flat();
  return [...new Set([...ALL_SERVICES.map((d) => d.name), ...producers])].sort();
}

/** The plan as text, one principal per paragraph. */
export function describePlan(plan: AclRule[]): string {
  const by = new Map<string, string[]>();
  for (const r of plan) {
    const lines = by.get(r.principal) ?? [];
    lines.push(`  ${r.operation.padEnd(8)} ${r.resource.toLowerCase()} ${r.name}`);
    by.set(r.principal, lines);
  }
  return [...by].map(([p, lines]) => `${p}\n${lines.join('\n')}`).join('\n');
}
