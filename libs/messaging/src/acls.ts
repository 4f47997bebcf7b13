import { ALL_TOPICS, dlqTopic, TOPIC_PRODUCERS, TopicName } from '@ct/contracts';
import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Admin, Kafka, ResourcePatternTypes } from 'kafkajs';

/**
 * One principal per service, allowed exactly what its code declares (issue 14, README Security):
 * READ on the topics its @HandleEvent handlers consume and on its consumer group (named like the
 * service), WRITE on the topics it publishes (TOPIC_PRODUCERS of libs/contracts) and on the `.dlq`
 * of each topic it consumes (dead letters), plus what its ServiceDefinition's `kafkaAccess` adds
 * (ops: the monitor's group on every topic, other groups' offsets, replays). Nothing else: with
 * allow.everyone.if.no.acl.found=false, tracing producing to cases.v1 is TOPIC_AUTHORIZATION_FAILED.
 * Idempotent producers need only WRITE on a topic (Kafka >= 2.8, KIP-679), no IDEMPOTENT_WRITE.
 * Topics are created by the admin (super user), not by the services: they get no CREATE.
 */
export interface KafkaAccess {
  /** Topics read (READ), beyond the handlers' subscriptions. */
  reads?: readonly string[];
  /** Consumer groups joined (READ), beyond the service's own. */
  groups?: readonly string[];
  /** Consumer groups whose committed offsets are read (DESCRIBE), for lag. */
  describeGroups?: readonly string[];
  /** Topics written (WRITE), beyond the topics the service publishes. */
  writes?: readonly string[];
}

export interface ServiceKafkaDeclaration {
  /** Service name: the SCRAM user and the consumer group. */
  name: string;
  /** The service's root module, whose controllers' @HandleEvent subscriptions are read. */
  module: DynamicModule | Type<unknown>;
  access?: KafkaAccess;
}

export type AclResource = 'TOPIC' | 'GROUP';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE';

/** One ALLOW rule, on a literal resource name, from any host. */
export interface AclRule {
  principal: string;
  resource: AclResource;
  name: string;
  operation: AclOperation;
}

type ModuleNode = DynamicModule | Type<unknown> | Promise<DynamicModule> | { forwardRef: () => unknown } | undefined;

/** The topics a module's controllers subscribe to (the topic half of each @HandleEvent pattern). */
export function handledTopics(root: DynamicModule | Type<unknown>): string[] {
  const topics = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: ModuleNode): void => {
    if (!node || node instanceof Promise || 'forwardRef' in node) return;
    const dynamic = typeof node === 'function' ? undefined : node;
    const cls = typeof node === 'function' ? node : node.module;
    if (seen.has(node)) return;
    seen.add(node);
    const meta = (key: string): unknown[] => (Reflect.getMetadata(key, cls) as unknown[] | undefined) ?? [];
    const controllers = [...meta(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])] as Type<unknown>[];
    for (const c of controllers) {
      const proto = c.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (typeof handler !== 'function') continue;
        const patterns = (Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined) ?? [];
        for (const p of patterns) if (typeof p === 'string') topics.add(p.split('#')[0]);
      }
    }
    for (const m of [...meta(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(m as ModuleNode);
  };
  visit(root);
  return [...topics].sort();
}

/**
 * The whole ACL set: each service's rules (derived from its code) and the producers of
 * TOPIC_PRODUCERS that are not services (the feed CLI). Sorted, without duplicates.
 */
export function kafkaAclPlan(services: ServiceKafkaDeclaration[]): AclRule[] {
  const rules = new Map<string, AclRule>();
  const add = (name: string, resource: AclResource, target: string, operation: AclOperation): void => {
    const rule = { principal: `User:${name}`, resource, name: target, operation };
    rules.set(`${rule.principal}|${resource}|${target}|${operation}`, rule);
  };
  const producers = Object.entries(TOPIC_PRODUCERS) as [TopicName, readonly string[]][];
  for (const [topic, names] of producers) for (const n of names) add(n, 'TOPIC', topic, 'WRITE');
  for (const s of services) {
    const consumed = handledTopics(s.module);
    for (const t of consumed) {
      add(s.name, 'TOPIC', t, 'READ');
      add(s.name, 'TOPIC', dlqTopic(t), 'WRITE');
    }
    if (consumed.length > 0) add(s.name, 'GROUP', s.name, 'READ');
    for (const t of s.access?.reads ?? []) add(s.name, 'TOPIC', t, 'READ');
    for (const g of s.access?.groups ?? []) add(s.name, 'GROUP', g, 'READ');
    for (const g of s.access?.describeGroups ?? []) add(s.name, 'GROUP', g, 'DESCRIBE');
    for (const t of s.access?.writes ?? []) add(s.name, 'TOPIC', t, 'WRITE');
    // /metrics reports the service's own consumer lag by asking for its group's offsets on every
    // event topic (libs/runtime metrics.ts): DESCRIBE shows partitions and offsets, never a message.
    const granted = (r: AclResource, n: string) =>
      [...rules.values()].some((x) => x.principal === `User:${s.name}` && x.resource === r && x.name === n);
    for (const t of ALL_TOPICS) if (!granted('TOPIC', t)) add(s.name, 'TOPIC', t, 'DESCRIBE');
    if (!granted('GROUP', s.name)) add(s.name, 'GROUP', s.name, 'DESCRIBE');
  }
  const key = (r: AclRule) => `${r.principal}|${r.resource}|${r.name}|${r.operation}`;
  return [...rules.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

const RESOURCE = { TOPIC: AclResourceTypes.TOPIC, GROUP: AclResourceTypes.GROUP } as const;
const OPERATION = {
  READ: AclOperationTypes.READ,
  WRITE: AclOperationTypes.WRITE,
  DESCRIBE: AclOperationTypes.DESCRIBE,
} as const;

function binding(r: AclRule) {
  return {
    resourceType: RESOURCE[r.resource],
    resourceName: r.name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: r.principal,
    host: '*',
    operation: OPERATION[r.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

type Binding = ReturnType<typeof binding>;
const bindingKey = (b: Binding) =>
  [b.principal, b.resourceType, b.resourceName, b.resourcePatternType, b.host, b.operation, b.permissionType].join('|');

async function currentBindings(admin: Admin, principals: Set<string>): Promise<Binding[]> {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap((r) =>
    r.acls
      .filter((a) => principals.has(a.principal))
      .map((a) => ({
        resourceType: r.resourceType as Binding['resourceType'],
        resourceName: r.resourceName,
        resourcePatternType: r.resourcePatternType,
        principal: a.principal,
        host: a.host,
        operation: a.operation as Binding['operation'],
        permissionType: a.permissionType,
      })),
  );
}

/**
 * Makes the broker's ACLs of the plan's principals exactly the plan: missing rules are created,
 * rules of those principals that the plan no longer has are deleted (so access cannot drift from
 * the code), other principals' rules are left alone. Idempotent; run as the super user.
 */
export async function applyAcls(kafka: Kafka, plan: AclRule[]): Promise<{ created: number; deleted: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = plan.map(binding);
    const principals = new Set(plan.map((r) => r.principal));
    const have = await currentBindings(admin, principals);
    const haveKeys = new Set(have.map(bindingKey));
    const wantKeys = new Set(wanted.map(bindingKey));
    const missing = wanted.filter((b) => !haveKeys.has(bindingKey(b)));
    const stale = have.filter((b) => !wantKeys.has(bindingKey(b)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    if (stale.length > 0) await admin.deleteAcls({ filters: stale });
    return { created: missing.length, deleted: stale.length };
  } finally {
    await admin.disconnect();
  }
}
