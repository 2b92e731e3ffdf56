import { cloudFormationTemplate, jsonReport } from '../../guardrails/formats.js';
import { IAM_LIMIT, SCP_LIMIT } from '../../guardrails/documents.js';
import { generateGuardrails } from '../../guardrails/generate.js';
import { DEFAULT_ADMIN_ROLE_ARNS } from '../../guardrails/statements.js';
import { GuardrailError, type GuardrailSet } from '../../guardrails/types.js';
import { dayOf } from '../../policy/exceptions.js';
import { isArn } from '../../core/identity.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';
import { selectPolicies } from '../select-policies.js';

const FORMATS = ['scp', 'iam', 'cloudformation', 'json'] as const;

export const GUARDRAILS_USAGE = `Usage: ecs-admission guardrails --policy <file|dir>... [options]

Prints the preventive layer of the policies: the IAM deny statements that stop, at request time,
what the rules in enforce mode with action deny forbid where IAM has a condition key for it, and
the quarantine (no one runs a revision the Lambda denied, and only ecs-admission changes its
tags). Every other rule gets one line saying why it stays detective-only; whatever a scope or an
exception makes inexact is reported and not emitted. Nothing is sent to AWS.

Options:
  --policy <path>          policy file or directory (repeatable)
  --preset <name>          recommended | strict (audit mode: only the quarantine comes out)
  --format <name>          scp (default: service control policies, each under 5,120 characters)
                           | iam (identity policy or permissions boundary, for accounts outside
                           an organization) | cloudformation (AWS::Organizations::Policy
                           resources) | json (documents, layers and reports)
  --admin-role-arns <arns> comma-separated role ARN patterns that may change the ecs-admission
                           tags (default: ${DEFAULT_ADMIN_ROLE_ARNS.join(',')})
  --policy-root <dir>      the directory \`extends\` may name files in

Exit status: 0 printed, 2 a policy does not load or an exception has no expiry.

Docs: docs/guardrails.md`;

export async function runGuardrails(args: CommandArgs, io: Io): Promise<number> {
  const { values } = args;
  const format = choice('--format', values.format ?? 'scp', FORMATS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}": name policies with --policy`);
  const roles = typeof values['admin-role-arns'] === 'string' ? values['admin-role-arns'].split(',').map((r) => r.trim()) : undefined;
  if (roles?.some((r) => !isArn(r))) throw new UsageError('--admin-role-arns takes role ARNs (patterns with * allowed), separated by commas');
  const now = new Date();
  const selected = await selectPolicies(values, now, io);
  if (!selected) return 2;
  let set: GuardrailSet;
  try {
    set = generateGuardrails(selected.policies, {
      today: dayOf(now),
      limit: format === 'iam' ? IAM_LIMIT : SCP_LIMIT,
      ...(roles ? { adminRoleArns: roles } : {}),
    });
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
    io.stderr(`ecs-admission guardrails: ${error.message}\n`);
    return 2;
  }
  if (format === 'json') io.stdout(`${JSON.stringify(jsonReport(set), null, 2)}\n`);
  else if (format === 'cloudformation') io.stdout(`${JSON.stringify(cloudFormationTemplate(set, `ecs-admission guardrails for ${selected.name}`), null, 2)}\n`);
  else io.stdout(textReport(set, format));
  return 0;
}

/** Documents minified (as AWS counts them), each under a header, then the layers as comments. */
function textReport(set: GuardrailSet, format: 'scp' | 'iam'): string {
  const lines: string[] = [];
  const limit = format === 'iam' ? IAM_LIMIT : SCP_LIMIT;
  for (const d of set.documents) {
    const where =
      format === 'iam'
        ? `attach to the deploying roles (identity policy or permissions boundary)${d.targets.kind === 'ids' ? ` in ${d.targets.ids.join(', ')}` : ''}`
        : `attach to ${d.targets.kind === 'root' ? 'the organization root' : d.targets.ids.join(', ')}`;
    lines.push(`# ${d.name}: ${d.size} of ${limit} characters; ${where}`, JSON.stringify(d.document), '');
  }
  for (const p of set.preventive) {
    lines.push(`# preventive: ${p.policy}/${p.rule}: ${p.actions.join(', ')} (${p.keys.join(', ')})`);
    for (const gap of p.gaps) lines.push(`#   gap: ${gap}`);
  }
  const off = set.detectiveOnly.filter((d) => d.reason === 'off');
  for (const d of set.detectiveOnly.filter((r) => r.reason !== 'off')) lines.push(`# detective only: ${d.policy}/${d.rule}: ${d.reason}`);
  if (off.length > 0) lines.push(`# off: ${[...new Set(off.map((d) => d.rule))].join(', ')}`);
  for (const r of set.reports) lines.push(`# not emitted: ${r}`);
  for (const n of set.notes) lines.push(`# note: ${n}`);
  return `${lines.join('\n')}\n`;
}
