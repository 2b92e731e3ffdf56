/**
 * One action set and one alert per CloudTrail record, over the in-memory ledger (the same lease
 * logic runs over DynamoDB; test/lambda/exactly-once.moto.test.ts counts the calls at a proxy).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { admit } from '../../src/use-cases/admit.js';
import { claim, decisionId, LeaseHeldError, ledgerKey } from '../../src/admission/lease.js';
import type { LedgerEntry } from '../../src/admission/ports.js';
import { admissionDeps, KEY, NOW, PRIVILEGED, registered, requestOf, world, type World } from '../helpers/admission.js';
import { ACCOUNT } from '../helpers/fake-ecs.js';

let w: World;
beforeEach(() => {
  w = world();
});

const entry = (owner: string, leaseUntil: number, stage: LedgerEntry['stage'] = 'planned'): LedgerEntry => ({
  key: 'k',
  stage,
  decisions: [],
  owner,
  leaseUntil,
});

describe('the lease', () => {
  it('is taken by the first writer; a second finds it live and must retry without acting', async () => {
    expect(await claim(w.ledger, entry('a', 1000), 0)).toMatchObject({ status: 'new' });
    await expect(claim(w.ledger, entry('b', 1000), 500)).rejects.toThrow(LeaseHeldError);
    expect(w.ledger.entries.get('k')!.owner).toBe('a');
  });

  it('is taken over once it is over (its owner is past its deadline), keeping the earlier plan', async () => {
    await claim(w.ledger, { ...entry('a', 1000), charged: true }, 0);
    const taken = await claim(w.ledger, entry('b', 5000), 1001);
    expect(taken).toMatchObject({ status: 'resumed', entry: { owner: 'b', leaseUntil: 5000, charged: true } });
    expect(w.ledger.entries.get('k')).toMatchObject({ owner: 'b', leaseUntil: 5000 });
  });

  it('is resumed by its own owner at once (Lambda keeps the request id on its retries of an invocation)', async () => {
    await claim(w.ledger, entry('a', 1000), 0);
    expect(await claim(w.ledger, entry('a', 2000), 10)).toMatchObject({ status: 'resumed' });
  });

  it('reports a finished record, live lease or not', async () => {
    await claim(w.ledger, entry('a', 1000, 'alerted'), 0);
    expect(await claim(w.ledger, entry('b', 1000), 10)).toMatchObject({ status: 'finished' });
  });

  it('lets one of two racing takeovers win', async () => {
    await claim(w.ledger, entry('a', 1000), 0);
    const results = await Promise.allSettled([claim(w.ledger, entry('b', 5000), 2000), claim(w.ledger, entry('c', 5000), 2000)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LeaseHeldError)).toHaveLength(1);
  });

  it('keys on the account and CloudTrail eventID, not on the EventBridge id; decision ids follow the key', () => {
    const a = requestOf({ eventName: 'UpdateService', requestParameters: { service: 'api' } }, 'eventbridge-1');
    const b = requestOf({ eventName: 'UpdateService', requestParameters: { service: 'api' } }, 'eventbridge-2');
    expect(ledgerKey(a)).toBe(ledgerKey(b));
    expect(ledgerKey(a)).toBe(KEY);
    expect(ledgerKey({ ...a, account: '999999999999' })).not.toBe(KEY);
    expect(ledgerKey({ ...a, cloudTrailEventId: undefined })).toBe(`${ACCOUNT}:eventbridge:eventbridge-1`);
    expect(decisionId(KEY, 0)).toBe(decisionId(ledgerKey(b), 0));
    expect(decisionId(KEY, 0)).not.toBe(decisionId(KEY, 1));
  });
});

describe('admit under concurrent and repeated deliveries', () => {
  it('eight deliveries at once, by eight invocations: one deregistration, one tag, one alert; the others fail to be retried', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => admit(registered(arn, `eb-${i}`), admissionDeps(w, 'enforce', { invocation: { id: `invocation-${i}` } }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof LeaseHeldError)).toBe(true);
    expect(w.ecs.writes.map((x) => x.split(' ')[0])).toEqual(['deregisterTaskDefinition', 'tagResource']);
    expect(w.alerts.published).toHaveLength(1);
    // Their retries find the decision made.
    for (let i = 0; i < 8; i++)
      expect((await admit(registered(arn, `eb-${i}`), admissionDeps(w, 'enforce', { invocation: { id: `retry-${i}` } }))).status).toBe('duplicate');
    expect(w.ecs.writes).toHaveLength(2);
    expect(w.alerts.published).toHaveLength(1);
  });

  it('the same record replayed under a new EventBridge id is a duplicate', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    await admit(registered(arn, 'first'), admissionDeps(w, 'enforce'));
    expect(await admit(registered(arn, 'replayed'), admissionDeps(w, 'enforce', { invocation: { id: 'other' } }))).toMatchObject({
      status: 'duplicate',
      reason: 'already decided, acted on and alerted',
    });
    expect(w.alerts.published).toHaveLength(1);
  });

  it('a failure releases the lease, and the retry by another invocation re-checks ECS: nothing is called twice', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    w.alerts.fail = true;
    await expect(admit(registered(arn), admissionDeps(w, 'enforce'))).rejects.toThrow('SNS unavailable');
    expect(w.ledger.entries.get(KEY)).toMatchObject({ stage: 'acted', leaseUntil: 0 });
    w.alerts.fail = false;
    const retry = await admit(registered(arn), admissionDeps(w, 'enforce', { invocation: { id: 'invocation-2' } }));
    expect(retry.status).toBe('duplicate');
    expect(w.ecs.writes).toHaveLength(2);
    expect(w.alerts.published.map((d) => d.outcomes.map((o) => o.status))).toEqual([['done', 'done']]);
  });

  it('an invocation that died after acting and before recording it: the takeover finds everything done and calls nothing', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    // The first invocation acts, then its `acted` write and its release both fail (DynamoDB gone).
    const replace = w.ledger.replace.bind(w.ledger);
    w.ledger.replace = () => Promise.reject(new Error('DynamoDB unavailable'));
    await expect(admit(registered(arn), admissionDeps(w, 'enforce'))).rejects.toThrow('DynamoDB unavailable');
    w.ledger.replace = replace;
    expect(w.ecs.writes).toHaveLength(2);
    // Its lease runs to its deadline: a retry before that waits…
    await expect(admit(registered(arn), admissionDeps(w, 'enforce', { invocation: { id: 'early' } }))).rejects.toThrow(LeaseHeldError);
    // …one after it takes over, finds the revision INACTIVE and tagged, and only alerts.
    const late = await admit(
      registered(arn),
      admissionDeps(w, 'enforce', { invocation: { id: 'late', deadline: NOW.getTime() + 120_000 }, now: () => NOW.getTime() + 60_000 }),
    );
    expect(late).toMatchObject({ status: 'duplicate', reason: 'resumed an unfinished decision' });
    expect(w.ecs.writes).toHaveLength(2);
    const [alert] = w.alerts.published;
    expect(alert!.outcomes.map((o) => [o.action.type, o.status, o.detail])).toEqual([
      ['deregisterTaskDefinition', 'unneeded', 'web:1 is already INACTIVE'],
      ['tagResource', 'unneeded', 'web:1 already carries these tags'],
    ]);
  });

  it('the takeover still acts where the first attempt did not get to', async () => {
    const arn = w.ecs.register('web', [PRIVILEGED]);
    w.ecs.failNext = { type: 'deregisterTaskDefinition' };
    const replace = w.ledger.replace.bind(w.ledger);
    w.ledger.replace = () => Promise.reject(new Error('DynamoDB unavailable'));
    await expect(admit(registered(arn), admissionDeps(w, 'enforce'))).rejects.toThrow('service unavailable');
    w.ledger.replace = replace;
    await admit(registered(arn), admissionDeps(w, 'enforce', { invocation: { id: 'late' }, now: () => NOW.getTime() + 60_000 }));
    expect(w.ecs.writes.map((x) => x.split(' ')[0])).toEqual(['deregisterTaskDefinition', 'tagResource']);
    expect(w.ecs.taskDefinitions.get(arn)!.status).toBe('INACTIVE');
  });
});
