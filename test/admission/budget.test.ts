/** Blast radius: the per-invocation cap and the per-account sliding window. */
import { beforeEach, describe, expect, it } from 'vitest';
import { admit } from '../../src/use-cases/admit.js';
import { takeFromWindow } from '../../src/admission/budget.js';
import { admissionDeps, NOW, PRIVILEGED, ran, registered, world, type World } from '../helpers/admission.js';

let w: World;
beforeEach(() => {
  w = world();
});

describe('the sliding window', () => {
  const limits = { actions: 3, windowSeconds: 60 };
  it('grants what fits, stamping each grant with its time', () => {
    expect(takeFromWindow([], 2, 1000, limits)).toEqual({ granted: 2, stamps: [1000, 1000] });
    expect(takeFromWindow([1000, 1000], 5, 2000, limits)).toEqual({ granted: 1, stamps: [1000, 1000, 2000] });
    expect(takeFromWindow([1000, 1000, 2000], 1, 3000, limits).granted).toBe(0);
  });

  it('frees an action exactly when it leaves the window, not before', () => {
    const full = [0, 30_000, 59_000];
    expect(takeFromWindow(full, 1, 59_999, limits).granted).toBe(0);
    expect(takeFromWindow(full, 1, 60_000, limits)).toEqual({ granted: 1, stamps: [30_000, 59_000, 60_000] });
  });

  it('never grants with a zero budget', () => {
    expect(takeFromWindow([], 4, 0, { actions: 0, windowSeconds: 60 }).granted).toBe(0);
  });
});

describe('admit within the budget', () => {
  const tight = { actions: 2, windowSeconds: 300 };

  it('beyond the account budget, resources are flagged (tagged, alerted), and the alert says the budget is spent', async () => {
    w = world({ budget: tight });
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => w.ecs.addTask(id, w.ecs.register(`job-${id}`, [PRIVILEGED])));
    const spent = await admit(ran(tasks), admissionDeps(w, 'enforce', { settings: { budget: tight } }));
    expect(spent.overBudget).toBe(2);
    expect(w.ecs.writes.filter((x) => x.startsWith('stopTask'))).toHaveLength(2);
    expect(w.ecs.writes.filter((x) => x.startsWith('tagResource'))).toHaveLength(4);
    const flagged = w.alerts.published.filter((d) => !d.outcomes.some((o) => o.action.type === 'stopTask'));
    expect(flagged).toHaveLength(2);
    for (const d of flagged)
      expect(d.notes).toContainEqual(
        expect.stringMatching(/^Action budget spent \(2 per 300 s in account \d{12}\): stopping task t\d was not carried out; flagged instead\.$/),
      );
  });

  it('counts across invocations and frees up as the window slides', async () => {
    const one = { actions: 1, windowSeconds: 300 };
    w = world({ budget: one });
    const [first, second, third] = ['a', 'b', 'c'].map((family) => w.ecs.register(family, [PRIVILEGED])) as [string, string, string];
    await admit(registered(first), admissionDeps(w, 'enforce', { settings: { budget: one } }));
    const blocked = await admit(
      { ...registered(second), cloudTrailEventId: 'r2' },
      admissionDeps(w, 'enforce', { settings: { budget: one }, invocation: { id: 'i2' } }),
    );
    expect(blocked.overBudget).toBe(1);
    expect(w.ecs.taskDefinitions.get(second)!.status).toBe('ACTIVE');
    const later = () => NOW.getTime() + 301_000;
    const freed = await admit(
      { ...registered(third), cloudTrailEventId: 'r3' },
      admissionDeps(w, 'enforce', { settings: { budget: one }, invocation: { id: 'i3', deadline: later() + 30_000 }, now: later }),
    );
    expect(freed.overBudget).toBe(0);
    expect(w.ecs.taskDefinitions.get(third)!.status).toBe('INACTIVE');
  });

  it('is not charged by audit-mode decisions or by duplicates', async () => {
    const arn = w.ecs.register('a', [PRIVILEGED]);
    const account = registered(arn).account;
    await admit(registered(arn), admissionDeps(w, 'audit'));
    expect(w.budget.windows.get(account) ?? []).toEqual([]);
    const other = w.ecs.register('b', [PRIVILEGED]);
    await admit({ ...registered(other), cloudTrailEventId: 'x' }, admissionDeps(w, 'enforce'));
    await admit({ ...registered(other), cloudTrailEventId: 'x' }, admissionDeps(w, 'enforce', { invocation: { id: 'dup' } }));
    expect(w.budget.windows.get(account)).toHaveLength(1);
  });
});
