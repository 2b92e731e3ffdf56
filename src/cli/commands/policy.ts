import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadPolicies } from '../../adapters/policy-files.js';
import { parseDocuments } from '../../input/parse.js';
import { objectUrl, type ObjectLocation } from '../../policy/bundle-versions.js';
import { builtinRules } from '../../rules/index.js';
import { UsageError, type CommandArgs, type Io } from '../io.js';
import { bundleText } from './compile.js';
import { isSuite, runSuites, suiteFiles } from './test.js';
import { organizationalUnitNotes } from './validate.js';

export const POLICY_USAGE = `Usage: ecs-admission policy push <file|dir>... --bucket <name> [--key <key>]

Publishes policies to the S3 object the Lambdas follow (ECS_ADMISSION_POLICIES=s3://<bucket>/<key>).
First it checks the policy files as \`validate\` does and runs the policy test suites found with
them as \`test\` does: every *.test.yaml under a directory given, and for a policy file given, the
suites in its directory or below that name it (suite files may also be given). On any problem
nothing is uploaded. Otherwise the policies are compiled as \`compile\` does and uploaded
(PutObject), and the new version id is printed: the Lambdas apply it at their next check
(ECS_ADMISSION_POLICIES_CHECK_SECONDS, default 60).

Options:
  --bucket <name>      the bucket (versioned, in the account the Lambdas run in)
  --key <key>          the object's key (default: policies.json)
  --region <region>    the bucket's region (default: AWS_REGION, AWS_DEFAULT_REGION)
  --policy-root <dir>  the directory \`extends\`, suites and fixtures may name files in (default:
                       each file's own)

Exit status: 0 uploaded, 2 a problem was found or the upload failed (nothing is uploaded).`;

export const DEFAULT_POLICY_KEY = 'policies.json';

export async function runPolicy(args: CommandArgs, io: Io): Promise<number> {
  const [command, ...positionals] = args.positionals;
  if (command === 'push') return push({ ...args, positionals }, io);
  throw new UsageError(command === undefined ? 'name a policy command: push' : `unknown policy command "${command}" (policy commands: push)`);
}

async function push(args: CommandArgs, io: Io): Promise<number> {
  const { values } = args;
  const bucket = values.bucket;
  if (typeof bucket !== 'string' || bucket === '') throw new UsageError('--bucket <name> is required: the bucket the Lambdas read the policies from');
  const key = typeof values.key === 'string' ? values.key.replace(/^\/+/, '') : DEFAULT_POLICY_KEY;
  if (key === '') throw new UsageError('--key must name an object');
  const region = (typeof values.region === 'string' && values.region) || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region, or set AWS_REGION');
  const given = args.positionals;
  const policyPaths = given.filter((p) => !isSuite(p));
  if (policyPaths.length === 0) throw new UsageError('name the policy files or directories to push');
  const root = typeof values['policy-root'] === 'string' ? values['policy-root'] : undefined;
  const location: ObjectLocation = { bucket, key };
  const refuse = (why: string): number => {
    io.stderr(`${why}: nothing uploaded to ${objectUrl(location)}\n`);
    return 2;
  };

  // What `validate` checks.
  const { policies, errors } = await loadPolicies(policyPaths, builtinRules, new Date(), root ? { root } : {});
  for (const error of errors) io.stderr(`${error.message}\n`);
  if (errors.length > 0) return refuse(`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${policyPaths.join(', ')}`);
  if (policies.length === 0) return refuse(`no policy found in ${policyPaths.join(', ')}`);
  for (const note of organizationalUnitNotes(policies)) io.stdout(`${note}\n`);

  // What `test` runs.
  const suites = [...new Set([...given.filter(isSuite), ...suitesWith(policyPaths)])];
  if (suites.length > 0) {
    const status = await runSuites(suites, io, root);
    if (status !== 0) return refuse(status === 1 ? 'a policy test failed' : 'a policy test suite or fixture cannot be read');
  } else {
    io.stderr(`note: no policy test suite (*.test.yaml) found with ${policyPaths.join(', ')}\n`);
  }

  const body = bundleText(policies, policyPaths);
  const { putBundle, s3Client } = await import('../../adapters/aws/policy-bundle-s3.js');
  let version: string | undefined;
  try {
    ({ version } = await putBundle(location, body, s3Client({ region })));
  } catch (error) {
    return refuse(`the upload failed (${(error as Error).name}: ${(error as Error).message})`);
  }
  const names = policies.map((p) => p.name).join(', ');
  io.stdout(`${policies.length} polic${policies.length === 1 ? 'y' : 'ies'} pushed to ${objectUrl(location)}: ${names}\n`);
  if (version) io.stdout(`version ${version}\n`);
  else
    io.stderr(
      `note: ${bucket} has no versioning: the Lambdas follow the object by its ETag, and an earlier version cannot be restored (aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled)\n`,
    );
  return 0;
}

/**
 * The suites found with the policy paths: every suite under a directory; for a file, the suites
 * in its directory or below whose `policies` name it (one that cannot be read is included: `test`
 * reports it, and the push stops).
 */
function suitesWith(paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      found.push(...suiteFiles([path]));
      continue;
    }
    const target = resolve(path);
    for (const suite of suiteFiles([dirname(path)])) {
      let named: unknown;
      try {
        named = (parseDocuments(readFileSync(suite, 'utf8'), suite)[0]?.value as { policies?: unknown } | undefined)?.policies;
      } catch {
        found.push(suite);
        continue;
      }
      if (!Array.isArray(named) || named.some((p) => typeof p === 'string' && resolve(dirname(suite), p) === target)) found.push(suite);
    }
  }
  return found;
}
