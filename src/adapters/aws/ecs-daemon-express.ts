// Daemons (ECS Managed Instances) and Express services through the ECS API: the calls moto does
// not have (test/helpers/ecs-stub-server.ts stands in for them in tests).
import {
  DeleteDaemonTaskDefinitionCommand,
  DescribeDaemonCommand,
  DescribeDaemonRevisionsCommand,
  DescribeDaemonTaskDefinitionCommand,
  DescribeExpressGatewayServiceCommand,
  ListDaemonTaskDefinitionsCommand,
  ListTagsForResourceCommand,
  UpdateDaemonCommand,
  UpdateExpressGatewayServiceCommand,
  type DaemonRevision,
  type ECSClient,
  type ExpressGatewayServiceConfiguration,
} from '@aws-sdk/client-ecs';
import { ActionRefusedError, type DaemonExpressReader, type DaemonExpressWriter, type ExpressConfiguration } from '../../admission/ports.js';
import type { Tag } from '../../core/types.js';
import { familyOf, lastSegment } from '../../core/identity.js';
import { omit } from '../../core/omit.js';
import { orUndefined, refusedOrThrow } from './ecs-errors.js';

const time = (d: { createdAt?: Date | string }): number => (d.createdAt ? new Date(d.createdAt).getTime() : 0);
const newestFirst = <T extends { createdAt?: Date | string }>(list: readonly T[]): T[] => [...list].sort((a, b) => time(b) - time(a));

/** The fields of a configuration that UpdateExpressGatewayService takes back. */
const RESTORABLE = [
  'executionRoleArn',
  'taskRoleArn',
  'healthCheckPath',
  'primaryContainer',
  'networkConfiguration',
  'cpu',
  'memory',
  'cpuArchitecture',
  'scalingTarget',
] as const;

export function daemonExpressGateway(client: ECSClient): DaemonExpressReader & DaemonExpressWriter {
  // DescribeDaemonTaskDefinition and DescribeDaemon return no tags: the owner tags come from ListTagsForResource.
  const tagsOf = async (arn: string): Promise<Tag[]> => (await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? [];
  const describeExpress = async (serviceArn: string) => {
    const out = await client.send(new DescribeExpressGatewayServiceCommand({ serviceArn, include: ['TAGS'] }));
    return out.service;
  };

  return {
    describeDaemonTaskDefinition: (ref) =>
      orUndefined(async () => {
        const out = await client.send(new DescribeDaemonTaskDefinitionCommand({ daemonTaskDefinition: ref }));
        const td = out.daemonTaskDefinition;
        if (!td) return undefined;
        return { ...td, tags: await tagsOf(td.daemonTaskDefinitionArn ?? ref) } as never;
      }),
    listActiveDaemonTaskDefinitions: async (family, limit) => {
      const out = await orUndefined(() =>
        client.send(new ListDaemonTaskDefinitionsCommand({ family, status: 'ACTIVE', sort: 'DESC', maxResults: Math.min(limit, 100) })),
      );
      return newestFirst(
        (out?.daemonTaskDefinitions ?? []).map((d) => ({ arn: d.arn, createdAt: d.registeredAt, status: d.status })).filter((d) => d.status === 'ACTIVE'),
      )
        .map((d) => d.arn)
        .filter((arn): arn is string => !!arn && familyOf(arn) === family)
        .slice(0, limit);
    },
    describeDaemon: (daemonArn) =>
      orUndefined(async () => {
        const daemon = (await client.send(new DescribeDaemonCommand({ daemonArn }))).daemon;
        if (!daemon) return undefined;
        const current = daemon.currentRevisions ?? [];
        const arns = current.map((r) => r.arn).filter((a): a is string => !!a);
        const revisions: DaemonRevision[] = arns.length
          ? ((await client.send(new DescribeDaemonRevisionsCommand({ daemonRevisionArns: arns }))).daemonRevisions ?? [])
          : [];
        const [newest, ...older] = newestFirst(revisions);
        const capacityProviderArns = [...new Set(current.flatMap((r) => (r.capacityProviders ?? []).map((c) => c.arn)).filter((a): a is string => !!a))];
        return {
          daemonArn: daemon.daemonArn ?? daemonArn,
          daemonName: lastSegment(daemon.daemonArn ?? daemonArn),
          ...(daemon.clusterArn ? { clusterArn: daemon.clusterArn } : {}),
          ...(daemon.status ? { status: daemon.status } : {}),
          ...(newest?.daemonTaskDefinitionArn ? { daemonTaskDefinitionArn: newest.daemonTaskDefinitionArn } : {}),
          ...(newest?.enableExecuteCommand !== undefined ? { enableExecuteCommand: newest.enableExecuteCommand } : {}),
          ...(newest?.enableECSManagedTags !== undefined ? { enableECSManagedTags: newest.enableECSManagedTags } : {}),
          ...(newest?.propagateTags ? { propagateTags: newest.propagateTags } : {}),
          ...(newest?.critical !== undefined ? { critical: newest.critical } : {}),
          capacityProviderArns,
          previousTaskDefinitions: older.map((r) => r.daemonTaskDefinitionArn).filter((a): a is string => !!a),
          tags: await tagsOf(daemon.daemonArn ?? daemonArn),
        };
      }),
    describeExpressService: (serviceArn) =>
      orUndefined(async () => {
        const service = await describeExpress(serviceArn);
        if (!service) return undefined;
        const configurations = newestFirst(service.activeConfigurations ?? []) as ExpressConfiguration[];
        const newest = omit(configurations[0] ?? {}, ['serviceRevisionArn', 'createdAt']);
        return {
          ...newest,
          ...(service.serviceArn ? { serviceArn: service.serviceArn } : { serviceArn }),
          ...(service.serviceName ? { serviceName: service.serviceName } : {}),
          ...(service.cluster ? { cluster: service.cluster } : {}),
          ...(service.infrastructureRoleArn ? { infrastructureRoleArn: service.infrastructureRoleArn } : {}),
          ...(service.status?.statusCode ? { status: service.status.statusCode } : {}),
          tags: service.tags ?? [],
          configurations,
        };
      }),

    deleteDaemonTaskDefinition: async (arn) => {
      await client
        .send(new DeleteDaemonTaskDefinitionCommand({ daemonTaskDefinition: arn }))
        .catch((e: unknown) => refusedOrThrow('deleteDaemonTaskDefinition', e));
    },
    updateDaemon: async (daemonArn, changes) => {
      await client.send(new UpdateDaemonCommand({ daemonArn, ...changes })).catch((e: unknown) => refusedOrThrow('updateDaemon', e));
    },
    restoreExpressService: async (serviceArn, serviceRevisionArn) => {
      const service = await describeExpress(serviceArn).catch((e: unknown) => refusedOrThrow('restoreExpressService', e));
      const target = service?.activeConfigurations?.find((c) => c.serviceRevisionArn === serviceRevisionArn);
      if (!target)
        throw new ActionRefusedError(
          'restoreExpressService',
          'ConfigurationGone',
          `${serviceRevisionArn} is no longer an active configuration of ${serviceArn}`,
        );
      const fields = Object.fromEntries(
        RESTORABLE.filter((f) => target[f] !== undefined).map((f) => [f, target[f]]),
      ) as Partial<ExpressGatewayServiceConfiguration>;
      await client
        .send(new UpdateExpressGatewayServiceCommand({ serviceArn, ...(fields as object) }))
        .catch((e: unknown) => refusedOrThrow('restoreExpressService', e));
    },
  };
}
