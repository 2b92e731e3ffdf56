import * as z from '../zod.js';
import { defineRule, type RuleContext } from '../core/rule.js';
import { kindTitle, type TaskDefinition, type Workload } from '../core/types.js';
import { CannotDecideError } from '../core/unknown.js';

const FAMILY_LABEL = { linux: 'Linux', windows: 'Windows' } as const;
type Family = keyof typeof FAMILY_LABEL;

const VERSION = /^\d+(\.\d+)*$/;
const version = z.string().check(z.regex(VERSION, 'a platform version such as 1.4.0'));

const options = z.strictObject({
  /** Oldest acceptable pinned platform version, per operating system family. */
  minimum: z._default(z.strictObject({ linux: z._default(version, '1.4.0'), windows: z._default(version, '1.0.0') }), { linux: '1.4.0', windows: '1.0.0' }),
});
type Options = z.infer<typeof options>;

const parts = (v: string): number[] => v.split('.').map(Number);

/** Numeric comparison, missing parts counting as 0: `1.4` equals `1.4.0`, `1.10.0` is above `1.4.0`. */
function compare(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

/**
 * A capacity provider strategy excludes a launch type, so it decides first; this also avoids
 * reading `launchType` from an UpdateService request, which never carries it.
 */
function isFargate(workload: Workload): boolean {
  const strategy = workload.capacityProviderStrategy;
  if (strategy && strategy.length > 0) return strategy.some((item) => FARGATE_PROVIDERS.has(item.capacityProvider ?? ''));
  return workload.launchType === 'FARGATE';
}

/** From the workload as described (`platformFamily`), else from the task definition it runs. */
function familyOf(workload: Workload, ctx: RuleContext<Options>): Family | undefined {
  const platformFamily = workload.platformFamily;
  if (platformFamily) return platformFamily.toUpperCase().startsWith('WINDOWS') ? 'windows' : 'linux';
  if (ctx.taskDefinition?.status !== 'found') return undefined;
  const td = ctx.taskDefinition.result.resource.object as TaskDefinition;
  return td.runtimePlatform?.operatingSystemFamily?.toUpperCase().startsWith('WINDOWS') ? 'windows' : 'linux';
}

export default defineRule({
  id: 'require-latest-fargate-platform',
  title: 'Require a current Fargate platform version',
  description:
    'Fails when a FARGATE service or task (launch type `FARGATE`, or a capacity provider strategy using `FARGATE` or `FARGATE_SPOT`) pins a `platformVersion` other than `LATEST` below the option `minimum` (default Linux `1.4.0`, Windows `1.0.0`). An absent platform version means `LATEST`.',
  rationale:
    'Old Fargate platform versions miss security and runtime fixes (Linux 1.4.0 brought, among others, encrypted ephemeral storage, EFS support and task metadata improvements). A pinned version never moves on, so tasks keep running on what AWS has since fixed.',
  remediation:
    'Remove `platformVersion` or set it to `LATEST` (or at least the configured minimum) on the service or in the RunTask request, then force a new deployment.',
  severity: 'low',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.10', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10' },
    { title: 'Checkov CKV_AWS_332' },
    { title: 'Amazon ECS Developer Guide: Fargate platform versions for Amazon ECS' },
  ],
  appliesTo: ['service', 'task'],
  options,
  notApplicable: (workload) => (isFargate(workload) ? undefined : 'not a FARGATE workload'),
  check(workload, ctx, resource) {
    // A YAML template may give `PlatformVersion: 1.4` as a number.
    const raw: unknown = workload.platformVersion;
    const pinned = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
    if (pinned === '' || pinned.toUpperCase() === 'LATEST') return;
    if (!VERSION.test(pinned)) throw new CannotDecideError(`platformVersion "${pinned}" is not a version number`);
    const { minimum } = ctx.options;
    const family = familyOf(workload, ctx);
    const below = (f: Family): boolean => compare(pinned, minimum[f]) < 0;
    const subject = `${kindTitle(resource.kind)} pins Fargate platform version "${pinned}"`;
    if (family) {
      if (below(family)) {
        report(ctx, `${subject}, below the minimum "${minimum[family]}" for ${FAMILY_LABEL[family]}.`);
      }
      return;
    }
    const linux = below('linux');
    const windows = below('windows');
    if (linux && windows) {
      report(ctx, `${subject}, below the minimum "${minimum.linux}" for Linux and "${minimum.windows}" for Windows.`);
    } else if (linux || windows) {
      const [under, over]: [Family, Family] = linux ? ['linux', 'windows'] : ['windows', 'linux'];
      const why = ctx.taskDefinition?.status === 'missing' ? ` (${ctx.taskDefinition.reason})` : '';
      throw new CannotDecideError(
        `platformVersion "${pinned}" is below the ${FAMILY_LABEL[under]} minimum "${minimum[under]}" but not the ${FAMILY_LABEL[over]} minimum "${minimum[over]}", and the platform family is unknown${why}`,
      );
    }
  },
});

function report(ctx: RuleContext<Options>, message: string): void {
  ctx.report({ path: 'platformVersion', message });
}
