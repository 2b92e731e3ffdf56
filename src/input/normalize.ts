import { basename } from 'node:path';
import { SHAPES } from '../core/shape.js';
import { KIND_NAMES, type Origin, type RequestInfo, type Resource, type ResourceKind } from '../core/types.js';
import { containsUnknown, guardUnknowns } from '../core/unknown.js';
import { HANDLED_EVENTS, resourceName, shortArn, taskDefinitionRefOf } from './api.js';
import { checkTypes } from './check-types.js';
import { isObject } from './cloudformation/intrinsics.js';
import { isTemplate, resourcesOfTemplate } from './cloudformation/template.js';
import { daemonOrExpressFromCloudTrail, detectDaemonOrExpress, type Detected } from './daemon-express.js';
import { InputError } from './errors.js';
import { isTerraformPlan, resourcesOfPlan } from './terraform/plan.js';
import { splitPath, type ParsedDocument } from './parse.js';

interface Where {
  source: string;
  doc: ParsedDocument;
  /** Path from the document root to the object being read. */
  prefix: (string | number)[];
  request?: RequestInfo;
  /** Fields absent from a partial request (UpdateService) are unknown, not defaults. */
  partial?: string;
  /** The resource wraps the document under this field (a file of container definitions only). */
  wrappedIn?: string;
  /** Maps a path of the resource to its path in the document, when the resource was assembled from parts of it. */
  relocate?: (segments: (string | number)[]) => (string | number)[];
}

/** The resources of one document, and the parts of it that hold resources no one can judge offline. */
export interface NormalizedDocument {
  resources: Resource[];
  unjudged: { source: string; line?: number; message: string }[];
}

/** Detects the shape of one parsed document and returns the ECS resources it holds. */
export function normalizeDocument(doc: ParsedDocument, source: string): NormalizedDocument {
  const out: NormalizedDocument = { resources: [], unjudged: [] };
  fromValue(doc.value, { source, doc, prefix: [] }, out);
  return out;
}

/**
 * Fields only a CreateService request (or a service) has: an ecspresso service definition, or a
 * CreateService body kept without its `serviceName`, is a service.
 */
const SERVICE_ONLY = [
  'desiredCount',
  'loadBalancers',
  'serviceRegistries',
  'deploymentConfiguration',
  'deploymentController',
  'schedulingStrategy',
  'healthCheckGracePeriodSeconds',
  'placementStrategy',
  'serviceConnectConfiguration',
  'propagateTags',
  'enableECSManagedTags',
  'volumeConfigurations',
  'availabilityZoneRebalancing',
];
/** Fields of a CreateTaskSet request that a service does not have. */
const TASK_SET_ONLY = ['externalId', 'scale'];

function fromValue(value: unknown, where: Where, out: NormalizedDocument): void {
  // A file of container definitions only (Terraform's `container_definitions`, ecs-cli): the
  // containers of one task definition, named by the file.
  if (Array.isArray(value) && value.length > 0 && value.every(isContainerDefinition)) {
    out.resources.push(
      make('taskDefinition', { containerDefinitions: value }, { ...where, wrappedIn: 'containerDefinitions' }, `containers in ${basename(where.source)}`),
    );
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => fromValue(item, { ...where, prefix: [...where.prefix, i] }, out));
    return;
  }
  if (!isObject(value)) throw notEcs(where, `expected an object, found ${value === null ? 'null' : typeof value}`);
  const at = (...keys: (string | number)[]): Where => ({ ...where, prefix: [...where.prefix, ...keys] });
  const add = (...resources: Resource[]): void => void out.resources.push(...resources);

  // ecs-admission's own files (policies, policy tests) sit beside the resources they judge.
  if (typeof value.apiVersion === 'string' && value.apiVersion.startsWith('ecs-admission/')) return;
  // A fragment of a template's Resources section (`TaskDefinition: { Type: AWS::ECS::…, Properties }`).
  const fragment = !isTemplate(value) && Object.values(value).some((v) => isObject(v) && typeof v.Type === 'string' && v.Type.startsWith('AWS::'));
  if (isTemplate(value) || fragment) {
    const template = resourcesOfTemplate(fragment ? { Resources: value } : value, {
      source: where.source,
      doc: where.doc,
      prefix: where.prefix,
      ...(fragment ? { fragment: true } : {}),
    });
    add(...template.resources);
    for (const part of template.unjudged)
      out.unjudged.push({ source: where.source, ...(part.line !== undefined ? { line: part.line } : {}), message: part.message });
    return;
  }
  if (Array.isArray(value.Records)) return value.Records.forEach((r, i) => add(...fromCloudTrail(r, at('Records', i))));
  if (value['detail-type'] === 'AWS API Call via CloudTrail' && isObject(value.detail)) {
    return add(...fromCloudTrail(value.detail, at('detail'), { eventId: str(value.id), account: str(value.account), region: str(value.region) }));
  }
  if (typeof value.eventSource === 'string' && typeof value.eventName === 'string') return add(...fromCloudTrail(value, where));

  // Daemons and Express services, by keys nothing else has (daemon-express.ts).
  const detected = detectDaemonOrExpress(value);
  if (detected) return add(...detected.map((d) => makeDetected(d, where)));

  // DescribeTaskDefinition / RegisterTaskDefinition output: { taskDefinition, tags }.
  if (isObject(value.taskDefinition) && Array.isArray(value.taskDefinition.containerDefinitions)) {
    const td = { ...value.taskDefinition } as Record<string, unknown>;
    if (Array.isArray(value.tags) && td.tags === undefined) td.tags = value.tags;
    return add(make('taskDefinition', td, at('taskDefinition')));
  }
  // A bare task definition, or a RegisterTaskDefinition request (`--cli-input-json`).
  if (value.containerDefinitions !== undefined && !isObject(value.service)) return add(make('taskDefinition', value, where));

  if (Array.isArray(value.services)) return add(...value.services.map((s, i) => make('service', s, at('services', i))));
  if (Array.isArray(value.taskSets)) return add(...value.taskSets.map((s, i) => make('taskSet', s, at('taskSets', i))));
  if (Array.isArray(value.tasks)) return add(...value.tasks.map((t, i) => make('task', t, at('tasks', i))));
  if (isObject(value.service)) return add(make('service', value.service, at('service')));
  if (isObject(value.taskSet)) return add(make('taskSet', value.taskSet, at('taskSet')));
  if (isObject(value.task)) return add(make('task', value.task, at('task')));

  if (typeof value.serviceArn === 'string' && typeof value.taskSetArn === 'string') return add(make('taskSet', value, where));
  // CreateTaskSet request: it names the service it belongs to, or carries what only task sets have.
  if ((typeof value.service === 'string' && typeof value.taskDefinition === 'string') || TASK_SET_ONLY.some((k) => k in value)) {
    return add(make('taskSet', value, where));
  }
  if (typeof value.serviceName === 'string' || typeof value.serviceArn === 'string' || SERVICE_ONLY.some((k) => k in value))
    return add(make('service', value, where));
  if (typeof value.taskArn === 'string') return add(make('task', value, where));
  // RunTask / StartTask request.
  if (typeof value.taskDefinition === 'string') return add(make('task', value, where));

  if (isTerraformPlan(value)) return add(...resourcesOfPlan(value, { source: where.source, doc: where.doc, prefix: where.prefix }));

  const keys = Object.keys(value).slice(0, 8).join(', ');
  throw notEcs(
    where,
    `not an ECS document (found keys: ${keys || 'none'}); expected a task definition, a service, task set or task, a daemon (task definition) or an Express service (API request or response), a CloudTrail record or EventBridge event of an ECS call, or a CloudFormation template`,
  );
}

function notEcs(where: Where, detail: string): InputError {
  const at = where.doc.locate(where.prefix)?.line;
  const inDoc = where.doc.index > 0 ? ` (document ${where.doc.index + 1})` : '';
  return new InputError(where.source, `${detail}${inDoc}`, at);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** An object that can only be a container definition: it has an image, and a name or what containers have. */
const isContainerDefinition = (value: unknown): boolean =>
  isObject(value) &&
  typeof value.image === 'string' &&
  !('containerDefinitions' in value) &&
  ('name' in value || 'essential' in value || 'portMappings' in value);

function fromCloudTrail(record: unknown, where: Where, envelope: RequestInfo = {}): Resource[] {
  if (!isObject(record)) throw notEcs(where, 'a CloudTrail record must be an object');
  const eventName = str(record.eventName) ?? '?';
  const eventId = str(record.eventID);
  const described = `CloudTrail ${eventName} record${eventId ? ` ${eventId}` : ''}`;
  if (record.eventSource !== 'ecs.amazonaws.com') throw notEcs(where, `${described} is from ${String(record.eventSource)}, not ecs.amazonaws.com`);
  if (!(HANDLED_EVENTS as readonly string[]).includes(eventName)) {
    throw notEcs(where, `${described} is not a call that changes what runs (handled: ${HANDLED_EVENTS.join(', ')})`);
  }
  if (record.errorCode) throw notEcs(where, `${described} failed (${JSON.stringify(record.errorCode)}): nothing was changed, nothing to evaluate`);
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const request: RequestInfo = {
    ...envelope,
    eventId: str(record.eventID) ?? envelope.eventId,
    eventName,
    eventTime: str(record.eventTime),
    principalArn: str(identity.arn),
    account: str(record.recipientAccountId) ?? envelope.account ?? str(identity.accountId),
    region: str(record.awsRegion) ?? envelope.region,
  };
  const params = record.requestParameters;
  const response = isObject(record.responseElements) ? record.responseElements : undefined;
  const at = (...keys: string[]): Where => ({ ...where, prefix: [...where.prefix, ...keys], request });
  if (!isObject(params) || record.omitted === true) {
    throw notEcs(where, `${described} has no requestParameters (CloudTrail omits fields over 100 KB): read the resource from the ECS API instead`);
  }

  const daemonOrExpress = daemonOrExpressFromCloudTrail(eventName, params, response);
  if (daemonOrExpress) return daemonOrExpress.map((d) => makeDetected(d, { ...where, request }));

  switch (eventName) {
    case 'RegisterTaskDefinition': {
      if (isObject(response?.taskDefinition)) {
        const td = { ...response.taskDefinition } as Record<string, unknown>;
        const tags = response.tags ?? params.tags;
        if (Array.isArray(tags) && td.tags === undefined) td.tags = tags;
        return [make('taskDefinition', td, at('responseElements', 'taskDefinition'))];
      }
      if (!Array.isArray(params.containerDefinitions)) {
        throw notEcs(where, `${described} has no containerDefinitions in its requestParameters: not a RegisterTaskDefinition request`);
      }
      return [make('taskDefinition', params, at('requestParameters'))];
    }
    case 'CreateService':
    case 'UpdateService':
      if (isObject(response?.service)) return [make('service', response.service, at('responseElements', 'service'))];
      if (eventName === 'UpdateService') {
        const service = { ...params, serviceName: params.service } as Record<string, unknown>;
        delete service.service;
        return [make('service', service, { ...at('requestParameters'), partial: 'not in the UpdateService request, so unchanged and unknown here' })];
      }
      return [make('service', params, at('requestParameters'))];
    case 'CreateTaskSet':
      if (isObject(response?.taskSet)) return [make('taskSet', response.taskSet, at('responseElements', 'taskSet'))];
      return [make('taskSet', params, at('requestParameters'))];
    default: {
      // RunTask / StartTask: the request is complete; the response only names the tasks started.
      const tasks = Array.isArray(response?.tasks) ? response.tasks.filter(isObject) : [];
      const name = tasks
        .map((t) => shortArn(str(t.taskArn)))
        .filter(Boolean)
        .join(', ');
      return [make('task', params, at('requestParameters'), name || undefined)];
    }
  }
}

function makeDetected(d: Detected, where: Where): Resource {
  const at: Where = { ...where, prefix: [...where.prefix, ...d.at] };
  if (d.partial) at.partial = d.partial;
  if (d.relocate) at.relocate = d.relocate;
  return make(d.kind, d.value, at, d.name);
}

/** A resource in the API shape, read from a file: its types checked, its origin kept for lines. */
function make<K extends ResourceKind>(kind: K, value: unknown, where: Where, name?: string): Resource<K> {
  if (!isObject(value)) throw notEcs(where, `expected the ${kind} to be an object`);
  const origin: Origin = { source: where.source };
  if (where.doc.index > 0) origin.documentIndex = where.doc.index;
  const { doc, prefix } = where;
  origin.locate = (path) => {
    const segments = splitPathCached(path);
    if (where.relocate) return doc.locate([...prefix, ...where.relocate(segments)]);
    return doc.locate([...prefix, ...(where.wrappedIn && segments[0] === where.wrappedIn ? segments.slice(1) : segments)]);
  };

  const problems = checkTypes(value, SHAPES[kind], 'api');
  let object: object = value;
  if (where.partial) object = guardUnknowns(value, '', where.partial);
  else if (problems.length > 0 && containsUnknown(value)) object = guardUnknowns(value);

  const label = name ?? resourceName(kind, value, undefined, `${KIND_NAMES[kind]} in ${basename(where.source)}`);
  const resource: Resource<K> = { kind, name: label, object: object, origin };
  const ref = taskDefinitionRefOf(kind, value);
  if (ref) resource.taskDefinitionRef = ref;
  if (where.request) resource.request = where.request;
  if (problems.length > 0) resource.problems = problems;
  return resource;
}

const splitCache = new Map<string, (string | number)[]>();
function splitPathCached(path: string): (string | number)[] {
  let split = splitCache.get(path);
  if (!split) {
    split = splitPath(path);
    if (splitCache.size < 10_000) splitCache.set(path, split);
  }
  return split;
}
