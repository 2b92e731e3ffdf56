/**
 * A stand-in for the ECS calls moto does not have (daemons, Express services), on 127.0.0.1 at a
 * random port, speaking ECS's JSON 1.1 protocol (`X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Action>`). Its resources start from the responses in
 * test/fixtures/recorded/ecs-daemon-express/ (written from the API reference, see its README);
 * it keeps the least state that makes enforcement observable (a deleted daemon task definition is
 * DELETE_IN_PROGRESS, an UpdateDaemon moves the daemon to another revision, an Express update adds
 * a configuration), and records every call. Everything else (DynamoDB, SNS, other ECS calls) is
 * forwarded to `upstream` — moto, or a recording proxy in front of it.
 *
 *   const stub = await ecsStubServer(proxy.endpoint);
 *   const arn = stub.addDaemonTaskDefinition('agent', { containerDefinitions: [...] });
 *   ... stub.calls('DeleteDaemonTaskDefinition', arn).length
 */
import { readFileSync } from 'node:fs';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '../fixtures/recorded/ecs-daemon-express');
const PREFIX = 'AmazonEC2ContainerServiceV20141113.';
type Json = Record<string, unknown>;
const fixture = (name: string): Json => record(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')));

// Narrowing of parsed JSON: a field of the wrong type reads as empty, as ECS would not send it.
function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.map(record) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** An ECS error to answer, by its key in errors.json. */
class StubError extends Error {}

export interface StubCall {
  action: string;
  body: string;
}

export interface StubRefusal {
  action: string;
  /** A key of errors.json: `AccessDeniedException`, `DaemonNotFoundException`… */
  error: string;
  /** Only calls whose body contains this text. */
  contains?: string;
}

export interface EcsStub {
  endpoint: string;
  /** Calls of one action (stubbed or forwarded) whose body contains `text`. */
  calls: (action: string, text?: string) => StubCall[];
  all: () => StubCall[];
  /** Every matching call from now on answers that error (until `clearRefusals`). */
  refuse: (refusal: StubRefusal) => void;
  clearRefusals: () => void;
  addDaemonTaskDefinition: (family: string, fields?: Json) => string;
  addDaemon: (name: string, daemonTaskDefinitionArns: string[], fields?: Json) => string;
  /** Configurations newest last (as they were deployed); the newest is the service's current one. */
  addExpressService: (name: string, configurations: Json[], fields?: Json) => string;
  daemonTaskDefinition: (arn: string) => Json | undefined;
  daemon: (arn: string) => { daemon: Json; revisions: Json[] } | undefined;
  expressService: (arn: string) => Json | undefined;
  close: () => Promise<void>;
}

/** The IAM actions the admission calls only here (moto has none of them). */
export const DAEMON_EXPRESS_ACTIONS = [
  'ecs:DescribeDaemonTaskDefinition',
  'ecs:ListDaemonTaskDefinitions',
  'ecs:DescribeDaemon',
  'ecs:DescribeDaemonRevisions',
  'ecs:DescribeExpressGatewayService',
  'ecs:ListTagsForResource',
  'ecs:DeleteDaemonTaskDefinition',
  'ecs:UpdateDaemon',
  'ecs:UpdateExpressGatewayService',
] as const;

const ERRORS = fixture('errors');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const arnOf = (path: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:${path}`;
const now = (): number => Date.now() / 1000;
let sequence = 0;
const revisionId = (): string => `${Date.now()}${String(++sequence).padStart(6, '0')}`;

export async function ecsStubServer(upstream: string): Promise<EcsStub> {
  const recorded: StubCall[] = [];
  let refusals: StubRefusal[] = [];
  const taskDefinitions = new Map<string, Json>();
  const tags = new Map<string, { key: string; value: string }[]>();
  const daemons = new Map<string, { daemon: Json; revisions: Json[] }>();
  const services = new Map<string, Json>();

  const findTaskDefinition = (ref: string): Json | undefined =>
    taskDefinitions.get(ref) ?? [...taskDefinitions.values()].find((td) => `${text(td.family)}:${count(td.revision)}` === ref.split('/').pop());

  const newDaemonRevision = (daemonArn: string, clusterArn: string, daemonTaskDefinitionArn: string, fields: Json): Json => {
    const template = records(fixture('DescribeDaemonRevisions').daemonRevisions)[0];
    return {
      ...template,
      ...fields,
      daemonRevisionArn: arnOf(`daemon-revision/${clusterArn.split('/').pop()}/${daemonArn.split('/').pop()}/${revisionId()}`),
      clusterArn,
      daemonArn,
      daemonTaskDefinitionArn,
      createdAt: now() + sequence / 1000,
    };
  };

  const handlers: Record<string, (input: Json) => Json> = {
    DescribeDaemonTaskDefinition: ({ daemonTaskDefinition }) => {
      const td = findTaskDefinition(text(daemonTaskDefinition));
      if (!td || td.status === 'DELETED') throw new StubError('DaemonTaskDefinitionNotFound');
      return { daemonTaskDefinition: td };
    },
    ListDaemonTaskDefinitions: ({ family, status }) => ({
      daemonTaskDefinitions: [...taskDefinitions.values()]
        .filter((td) => td.family === family && (status === 'ALL' || td.status === (status ?? 'ACTIVE')))
        .sort((a, b) => count(b.revision) - count(a.revision))
        .map((td) => ({ arn: td.daemonTaskDefinitionArn, registeredAt: td.registeredAt, registeredBy: td.registeredBy, status: td.status })),
    }),
    DeleteDaemonTaskDefinition: ({ daemonTaskDefinition }) => {
      const td = findTaskDefinition(text(daemonTaskDefinition));
      if (!td) throw new StubError('DaemonTaskDefinitionNotFound');
      if (td.status !== 'ACTIVE') throw new StubError('DaemonTaskDefinitionNotActive');
      td.status = 'DELETE_IN_PROGRESS';
      td.deleteRequestedAt = now();
      return { daemonTaskDefinitionArn: td.daemonTaskDefinitionArn };
    },
    DescribeDaemon: ({ daemonArn }) => {
      const entry = daemons.get(text(daemonArn));
      if (!entry) throw new StubError('DaemonNotFoundException');
      return { daemon: entry.daemon };
    },
    DescribeDaemonRevisions: ({ daemonRevisionArns }) => {
      const all = [...daemons.values()].flatMap((d) => d.revisions);
      return { daemonRevisions: all.filter((r) => texts(daemonRevisionArns).includes(text(r.daemonRevisionArn))), failures: [] };
    },
    UpdateDaemon: ({ daemonArn, daemonTaskDefinitionArn, capacityProviderArns, ...rest }) => {
      const entry = daemons.get(text(daemonArn));
      if (!entry) throw new StubError('DaemonNotFoundException');
      if (findTaskDefinition(text(daemonTaskDefinitionArn))?.status !== 'ACTIVE') throw new StubError('DaemonTaskDefinitionNotFound');
      const { propagateTags, enableECSManagedTags, enableExecuteCommand, critical } = { ...entry.revisions.at(-1), ...rest };
      const revision = newDaemonRevision(text(entry.daemon.daemonArn), text(entry.daemon.clusterArn), text(daemonTaskDefinitionArn), {
        propagateTags,
        enableECSManagedTags,
        enableExecuteCommand,
        critical,
      });
      entry.revisions.push(revision);
      // The deployment is taken as done at once: the daemon runs only the new revision.
      const providers = texts(capacityProviderArns).map((arn) => ({ arn, runningCount: 1, withoutDaemonCount: 0 }));
      entry.daemon.currentRevisions = [
        { arn: revision.daemonRevisionArn, capacityProviders: providers, totalRunningCount: providers.length, totalWithoutDaemonCount: 0 },
      ];
      entry.daemon.updatedAt = now();
      return { ...fixture('UpdateDaemon'), daemonArn: entry.daemon.daemonArn, updatedAt: entry.daemon.updatedAt };
    },
    DescribeExpressGatewayService: ({ serviceArn }) => {
      const service = services.get(text(serviceArn));
      if (!service) throw new StubError('ResourceNotFoundException');
      return { service: { ...service, activeConfigurations: records(service.activeConfigurations).reverse() } };
    },
    UpdateExpressGatewayService: ({ serviceArn, ...fields }) => {
      const service = services.get(text(serviceArn));
      if (!service) throw new StubError('ServiceNotFoundException');
      const configuration = {
        ...fields,
        serviceRevisionArn: arnOf(`service-revision/default/${text(service.serviceName)}/${revisionId()}`),
        createdAt: now() + sequence / 1000,
      };
      // A rolling deployment: the previous configuration stays active beside the new one.
      service.activeConfigurations = [...records(service.activeConfigurations).slice(-1), configuration];
      service.updatedAt = now();
      return {
        service: { serviceArn, cluster: service.cluster, serviceName: service.serviceName, status: service.status, targetConfiguration: configuration },
      };
    },
    ListTagsForResource: ({ resourceArn }) => ({ tags: tags.get(text(resourceArn)) ?? [] }),
    TagResource: ({ resourceArn, tags: added }) => {
      const list = tags.get(text(resourceArn)) ?? [];
      const sent = records(added).map((t) => ({ key: text(t.key), value: text(t.value) }));
      const keys = new Set(sent.map((t) => t.key));
      tags.set(text(resourceArn), [...list.filter((t) => !keys.has(t.key)), ...sent]);
      return fixture('TagResource');
    },
  };
  /** TagResource and ListTagsForResource are stubbed for the stub's own resources only; moto has the others. */
  const ownsResource = (input: Json): boolean => {
    const arn = text(input.resourceArn);
    return taskDefinitions.has(arn) || daemons.has(arn) || services.has(arn);
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(incoming.headers['x-amz-target'] ?? '');
      const action = target.startsWith(PREFIX)
        ? target.slice(PREFIX.length)
        : target.slice(target.lastIndexOf('.') + 1) || new URLSearchParams(body.toString()).get('Action') || '';
      recorded.push({ action, body: body.toString() });
      const input = target.startsWith(PREFIX) ? record(JSON.parse(body.toString() || '{}')) : {};
      const handler = target.startsWith(PREFIX) ? handlers[action] : undefined;
      const stubbed = handler && (!['TagResource', 'ListTagsForResource'].includes(action) || ownsResource(input));
      if (!stubbed) return forward(upstream, incoming, outgoing, body);
      const refusal = refusals.find((r) => r.action === action && (r.contains === undefined || body.toString().includes(r.contains)));
      if (refusal) return answerError(outgoing, refusal.error);
      try {
        const output = JSON.stringify(handler(input));
        outgoing.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(output);
      } catch (error) {
        if (!(error instanceof StubError)) throw error;
        answerError(outgoing, error.message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: (action, text) => recorded.filter((c) => c.action === action && (text === undefined || c.body.includes(text))),
    all: () => [...recorded],
    refuse: (refusal) => refusals.push(refusal),
    clearRefusals: () => (refusals = []),
    addDaemonTaskDefinition: (family, fields = {}) => {
      const revision = [...taskDefinitions.values()].filter((td) => td.family === family).length + 1;
      const daemonTaskDefinitionArn = arnOf(`daemon-task-definition/${family}:${revision}`);
      const template = record(fixture('DescribeDaemonTaskDefinition').daemonTaskDefinition);
      taskDefinitions.set(daemonTaskDefinitionArn, {
        ...template,
        ...fields,
        daemonTaskDefinitionArn,
        family,
        revision,
        status: 'ACTIVE',
        registeredAt: now(),
      });
      return daemonTaskDefinitionArn;
    },
    addDaemon: (name, arns, fields = {}) => {
      const template = record(fixture('DescribeDaemon').daemon);
      const clusterArn = arnOf('cluster/managed');
      const daemonArn = arnOf(`daemon/managed/${name}`);
      const revisions = arns.map((arn) => newDaemonRevision(daemonArn, clusterArn, arn, {}));
      const providers = records(records(template.currentRevisions)[0]?.capacityProviders);
      // Every revision given is current: more than one is a deployment in progress.
      const currentRevisions = revisions.map((r) => ({
        arn: r.daemonRevisionArn,
        capacityProviders: providers,
        totalRunningCount: 3,
        totalWithoutDaemonCount: 0,
      }));
      daemons.set(daemonArn, { daemon: { ...template, ...fields, daemonArn, clusterArn, currentRevisions }, revisions });
      return daemonArn;
    },
    addExpressService: (name, configurations, fields = {}) => {
      const template = record(fixture('DescribeExpressGatewayService').service);
      const serviceArn = arnOf(`service/default/${name}`);
      const active = configurations.map((c, i) => ({
        ...records(template.activeConfigurations)[0],
        ...c,
        serviceRevisionArn: arnOf(`service-revision/default/${name}/${revisionId()}`),
        createdAt: now() - (configurations.length - i) * 60,
      }));
      services.set(serviceArn, { ...template, ...fields, serviceArn, serviceName: name, activeConfigurations: active });
      return serviceArn;
    },
    daemonTaskDefinition: (arn) => taskDefinitions.get(arn),
    daemon: (arn) => daemons.get(arn),
    expressService: (arn) => services.get(arn),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function answerError(outgoing: ServerResponse, name: string): void {
  const error = ERRORS[name];
  if (error === undefined) throw new Error(`no error ${name} in errors.json`);
  const { status, body } = record(error);
  outgoing.writeHead(count(status), { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}

function forward(upstream: string, incoming: import('node:http').IncomingMessage, outgoing: ServerResponse, body: Buffer): void {
  const upstreamRequest = request(new URL(incoming.url ?? '/', upstream), { method: incoming.method, headers: incoming.headers }, (response) => {
    outgoing.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(outgoing);
  });
  upstreamRequest.on('error', (error) => outgoing.writeHead(502).end(error.message));
  upstreamRequest.end(body);
}
