import type { Origin, RequestInfo, Resource, ResourceKind } from '../core/types.js';
import { containsUnknown, guardUnknowns } from '../core/unknown.js';
import { CFN_KINDS, isObject, isTemplate, referencedLogicalId, toApiShape } from './cloudformation.js';
import { InputError } from './errors.js';
import { HANDLED_EVENTS, resourceName, shortArn } from './api.js';
import { splitPath, type ParsedDocument } from './parse.js';

interface Where {
  source: string;
  doc: ParsedDocument;
  /** Path from the document root to the object being read. */
  prefix: (string | number)[];
  request?: RequestInfo;
  /** Fields absent from a partial request (UpdateService) are unknown, not defaults. */
  partial?: string;
  /** Only CloudFormation input can hold unknown values (intrinsics); API shapes never do. */
  mayHoldUnknowns?: boolean;
}

/** Detects the shape of one parsed document and returns the ECS resources it holds. */
export function normalizeDocument(doc: ParsedDocument, source: string): Resource[] {
  return fromValue(doc.value, { source, doc, prefix: [] });
}

function fromValue(value: unknown, where: Where): Resource[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => fromValue(item, { ...where, prefix: [...where.prefix, i] }));
  if (!isObject(value)) throw notEcs(where, `expected an object, found ${value === null ? 'null' : typeof value}`);
  const at = (...keys: (string | number)[]): Where => ({ ...where, prefix: [...where.prefix, ...keys] });

  // ecs-admission's own files (policies, policy tests) sit beside the resources they judge.
  if (typeof value.apiVersion === 'string' && value.apiVersion.startsWith('ecs-admission/')) return [];
  if (isTemplate(value)) return fromTemplate(value, where);
  if (Array.isArray(value.Records)) return value.Records.flatMap((r, i) => fromCloudTrail(r, at('Records', i)));
  if (value['detail-type'] === 'AWS API Call via CloudTrail' && isObject(value.detail)) {
    return fromCloudTrail(value.detail, at('detail'), { eventId: str(value.id), account: str(value.account), region: str(value.region) });
  }
  if (typeof value.eventSource === 'string' && typeof value.eventName === 'string') return fromCloudTrail(value, where);

  // DescribeTaskDefinition / RegisterTaskDefinition output: { taskDefinition, tags }.
  if (isObject(value.taskDefinition) && Array.isArray(value.taskDefinition.containerDefinitions)) {
    const td = { ...value.taskDefinition } as Record<string, unknown>;
    if (Array.isArray(value.tags) && td.tags === undefined) td.tags = value.tags;
    return [make('taskDefinition', td, at('taskDefinition'))];
  }
  // A bare task definition, or a RegisterTaskDefinition request (`--cli-input-json`).
  if (Array.isArray(value.containerDefinitions)) return [make('taskDefinition', value, where)];

  if (Array.isArray(value.services)) return value.services.map((s, i) => make('service', s, at('services', i)));
  if (Array.isArray(value.taskSets)) return value.taskSets.map((s, i) => make('taskSet', s, at('taskSets', i)));
  if (Array.isArray(value.tasks)) return value.tasks.map((t, i) => make('task', t, at('tasks', i)));
  if (isObject(value.service)) return [make('service', value.service, at('service'))];
  if (isObject(value.taskSet)) return [make('taskSet', value.taskSet, at('taskSet'))];
  if (isObject(value.task)) return [make('task', value.task, at('task'))];

  if (typeof value.serviceArn === 'string' && typeof value.taskSetArn === 'string') return [make('taskSet', value, where)];
  if (typeof value.serviceName === 'string' || typeof value.serviceArn === 'string') return [make('service', value, where)];
  // CreateTaskSet request: it names the service it belongs to.
  if (typeof value.service === 'string' && typeof value.taskDefinition === 'string') return [make('taskSet', value, where)];
  if (typeof value.taskArn === 'string') return [make('task', value, where)];
  // RunTask / StartTask request.
  if (typeof value.taskDefinition === 'string') return [make('task', value, where)];

  const keys = Object.keys(value).slice(0, 8).join(', ');
  throw notEcs(where, `not an ECS document (found keys: ${keys || 'none'}); expected a task definition, a service, task set or task (API request or response), a CloudTrail record or EventBridge event of an ECS call, or a CloudFormation template`);
}

function notEcs(where: Where, detail: string): InputError {
  const at = where.doc.locate(where.prefix)?.line;
  const inDoc = where.doc.index > 0 ? ` (document ${where.doc.index + 1})` : '';
  return new InputError(where.source, `${detail}${inDoc}`, at);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function fromTemplate(template: Record<string, unknown>, where: Where): Resource[] {
  const resources = template.Resources as Record<string, unknown>;
  const out: Resource[] = [];
  for (const [logicalId, declaration] of Object.entries(resources)) {
    if (!isObject(declaration) || typeof declaration.Type !== 'string') continue;
    const kind = CFN_KINDS[declaration.Type];
    if (!kind) continue;
    const properties = isObject(declaration.Properties) ? declaration.Properties : {};
    const object = toApiShape(properties) as Record<string, unknown>;
    const resource = make(kind, object, { ...where, prefix: [...where.prefix, 'Resources', logicalId, 'Properties'], mayHoldUnknowns: true }, logicalId);
    const target = referencedLogicalId(properties.TaskDefinition, resources);
    if (target) resource.taskDefinitionRef = `#${target}`;
    out.push(resource);
  }
  return out;
}

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
      const name = tasks.map((t) => shortArn(str(t.taskArn))).filter(Boolean).join(', ');
      return [make('task', params, at('requestParameters'), undefined, name || undefined)];
    }
  }
}

function make<K extends ResourceKind>(kind: K, value: unknown, where: Where, logicalId?: string, name?: string): Resource<K> {
  if (!isObject(value)) throw notEcs(where, `expected the ${kind} to be an object`);
  const origin: Origin = { source: where.source };
  if (where.doc.index > 0) origin.documentIndex = where.doc.index;
  if (logicalId) origin.logicalId = logicalId;
  const { doc, prefix } = where;
  origin.locate = (path) => doc.locate([...prefix, ...splitPathCached(path)]);

  let object: object = value;
  if (where.partial) object = guardUnknowns(value, '', where.partial);
  else if (where.mayHoldUnknowns && containsUnknown(value)) object = guardUnknowns(value);

  const resource: Resource<K> = { kind, name: name ?? resourceName(kind, value, logicalId), object: object, origin };
  const ref = kind === 'taskDefinition' ? undefined : str(value.taskDefinition) ?? str(value.taskDefinitionArn);
  if (ref) resource.taskDefinitionRef = ref;
  if (where.request) resource.request = where.request;
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

