/** The exact revision is judged: a RegisterTaskDefinition without its response is resolved by content. */
import { beforeEach, describe, expect, it } from 'vitest';
import { admit } from '../../src/use-cases/admit.js';
import { contains } from '../../src/admission/contains.js';
import { findRegistered, holdsRegistration } from '../../src/admission/registration.js';
import { admissionDeps, GOOD, PRIVILEGED, requestOf, world, type World } from '../helpers/admission.js';

let w: World;
beforeEach(() => {
  w = world();
});

/** What the fake ECS registers for a family (see FakeEcs.register): the request of that call. */
const call = (family: string, containerDefinitions: unknown[]) => ({
  family,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions,
});

/** CloudTrail's record of a RegisterTaskDefinition whose response it left out. */
const withoutResponse = (requestParameters: Record<string, unknown>) =>
  requestOf({ eventName: 'RegisterTaskDefinition', requestParameters, responseElements: null });

describe('contains: what ECS describes holds what was asked for', () => {
  it('allows the defaults ECS adds, and the number/string forms of one value', () => {
    expect(
      contains(
        { cpu: '256', containerDefinitions: [{ name: 'a', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }], environment: [] }] },
        { cpu: 256, containerDefinitions: [{ name: 'a', portMappings: [{ containerPort: 80 }] }] },
      ),
    ).toBe(true);
    expect(contains({ privileged: undefined }, { privileged: false })).toBe(true);
    expect(contains({}, { environment: [] })).toBe(true);
  });

  it("tells apart a revision that has more than was asked for, beyond ECS's own defaults", () => {
    const asked = { family: 'web', containerDefinitions: [{ name: 'a', image: 'nginx' }] };
    const described = {
      family: 'web',
      taskDefinitionArn: 'arn',
      revision: 2,
      status: 'ACTIVE',
      networkMode: 'bridge',
      volumes: [],
      containerDefinitions: [{ name: 'a', image: 'nginx', cpu: 0, essential: true, environment: [], portMappings: [] }],
    };
    expect(holdsRegistration(described, asked)).toBe(true);
    expect(holdsRegistration({ ...described, containerDefinitions: [{ ...described.containerDefinitions[0]!, privileged: true }] }, asked)).toBe(false);
    expect(holdsRegistration({ ...described, networkMode: 'host' }, asked)).toBe(false);
    expect(holdsRegistration({ ...described, pidMode: 'host' }, asked)).toBe(false);
  });

  it('rejects any difference in what was asked for', () => {
    expect(contains({ containerDefinitions: [{ name: 'a', privileged: true }] }, { containerDefinitions: [{ name: 'a', privileged: false }] })).toBe(false);
    expect(contains({ containerDefinitions: [{ name: 'a' }, { name: 'b' }] }, { containerDefinitions: [{ name: 'a' }] })).toBe(false);
    expect(contains({ image: 'nginx:1' }, { image: 'nginx:2' })).toBe(false);
    expect(contains({}, { privileged: true })).toBe(false);
  });

  it('treats a value CloudTrail withheld as matching', () => {
    expect(contains({ environment: [{ name: 'K', value: 'v' }] }, { environment: [{ name: 'K', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] })).toBe(true);
  });
});

describe('a registration without its response', () => {
  it("judges the revision it registered, not the family's latest: privileged rev 1 then clean rev 2 → rev 1 deregistered", async () => {
    const bad = w.ecs.register('web', [PRIVILEGED]);
    const good = w.ecs.register('web', [GOOD]);
    const result = await admit(withoutResponse(call('web', [PRIVILEGED])), admissionDeps(w, 'enforce'));
    expect(result.decisions[0]).toMatchObject({ verdict: 'deny', resource: { arn: bad } });
    expect(result.decisions[0]!.notes).toContain('CloudTrail did not record the response: web:1 was identified by its content.');
    expect(w.ecs.taskDefinitions.get(bad)!.status).toBe('INACTIVE');
    expect(w.ecs.taskDefinitions.get(good)!.status).toBe('ACTIVE');
  });

  it('a clean registration followed by a privileged one: the clean one passes, nothing is touched', async () => {
    w.ecs.register('web', [GOOD]);
    w.ecs.register('web', [PRIVILEGED]);
    expect(await admit(withoutResponse(call('web', [GOOD])), admissionDeps(w, 'enforce'))).toMatchObject({ status: 'passed' });
    expect(w.ecs.writes).toEqual([]);
  });

  it('alerts "could not verify" when no revision holds the content, or CloudTrail kept no content either', async () => {
    w.ecs.register('web', [GOOD]);
    const none = await admit(withoutResponse(call('web', [{ ...GOOD, image: 'other' }])), admissionDeps(w, 'enforce'));
    expect(none.decisions[0]).toMatchObject({
      verdict: 'unverified',
      unverified: ['could not tell which revision this call registered: no ACTIVE revision of web among its newest 10 holds the registered content'],
    });
    const truncated = await admit(
      requestOf({ eventName: 'RegisterTaskDefinition', eventID: 'second', requestParameters: { family: 'web' } }),
      admissionDeps(w, 'enforce'),
    );
    expect(truncated.decisions[0]!.unverified![0]).toContain('CloudTrail recorded neither the response nor the request');
    expect(w.ecs.writes).toEqual([]);
  });

  it('the same content registered twice: the revision registered closest to the call; without times, unverified', async () => {
    const early = w.ecs.register('web', [PRIVILEGED], { registeredAt: '2026-11-20T09:00:00Z' });
    const near = w.ecs.register('web', [PRIVILEGED], { registeredAt: '2026-11-20T10:00:01Z' });
    expect(await findRegistered({ family: 'web', registered: call('web', [PRIVILEGED]) }, '2026-11-20T10:00:00Z', w.ecs)).toMatchObject({
      found: { taskDefinitionArn: near },
    });
    expect(early).not.toBe(near);
    const untimed = world();
    untimed.ecs.register('api', [PRIVILEGED]);
    untimed.ecs.register('api', [PRIVILEGED]);
    expect(await findRegistered({ family: 'api', registered: call('api', [PRIVILEGED]) }, '2026-11-20T10:00:00Z', untimed.ecs)).toEqual({
      none: '2 revisions of api hold the registered content and nothing tells which one this call registered',
    });
  });

  it('a revision registered long before the call is not the one it registered', async () => {
    w.ecs.register('web', [PRIVILEGED], { registeredAt: '2026-11-19T10:00:00Z' });
    expect(await findRegistered({ family: 'web', registered: call('web', [PRIVILEGED]) }, '2026-11-20T10:00:00Z', w.ecs)).toEqual({
      none: 'no ACTIVE revision of web among its newest 10 holds the registered content',
    });
  });
});
