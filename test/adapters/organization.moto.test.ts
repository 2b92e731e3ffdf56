// Scopes by organizational unit against moto's Organizations: the OU path of an account (ListParents
// up to the root, cached), and a policy scoped to an OU applying to an account under it — at any
// depth — and to no other. The organization lives in its own management account (assumed through
// moto's STS), so it shares nothing with the other test files' organization.
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, expect, it } from 'vitest';
import { organizationalUnits } from '../../src/adapters/aws/organization.js';
import { loadResources } from '../../src/input/load.js';
import { withOrganizationalUnits } from '../../src/lambda/compiled-policies.js';
import { compilePolicies } from '../../src/policy/engine.js';
import { policyEvaluator } from '../../src/policy/evaluator.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { policyText } from '../helpers/cli.js';
import { awsClientConfig, describeWithMoto, motoEndpoint, uniqueName } from '../helpers/moto.js';

/** A management account of its own: 12 random digits. */
const MANAGEMENT = String(Math.floor(1e11 + Math.random() * 8e11));

describeWithMoto('organizational units through Organizations ListParents (moto)', () => {
  let clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } };
  let organizations: OrganizationsClient;
  const ou: Record<'prod' | 'team' | 'sandbox', string> = { prod: '', team: '', sandbox: '' };
  const account: Record<'inTeam' | 'inSandbox' | 'atRoot', string> = { inTeam: '', inSandbox: '', atRoot: '' };
  let root: string;

  beforeAll(async () => {
    const assumed = (
      await new STSClient(awsClientConfig()).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/org-admin`, RoleSessionName: 'test' }))
    ).Credentials!;
    clientConfig = {
      endpoint: motoEndpoint()!,
      region: 'us-east-1',
      credentials: { accessKeyId: assumed.AccessKeyId!, secretAccessKey: assumed.SecretAccessKey!, sessionToken: assumed.SessionToken! },
    };
    organizations = new OrganizationsClient(clientConfig);
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    root = (await organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const unit = async (name: string, parent: string) =>
      (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
    ou.prod = await unit('production', root);
    ou.team = await unit('payments', ou.prod);
    ou.sandbox = await unit('sandbox', root);
    const create = async (name: string) =>
      (await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${uniqueName(name)}@example.com` }))).CreateAccountStatus!.AccountId!;
    account.inTeam = await create('payments-prod');
    account.inSandbox = await create('playground');
    account.atRoot = await create('shared');
    await organizations.send(new MoveAccountCommand({ AccountId: account.inTeam, SourceParentId: root, DestinationParentId: ou.team }));
    await organizations.send(new MoveAccountCommand({ AccountId: account.inSandbox, SourceParentId: root, DestinationParentId: ou.sandbox }));
  });

  it('walks from the account up to the root: its OUs, nearest first', async () => {
    const lookup = organizationalUnits({ clientConfig });
    expect(await lookup(account.inTeam)).toEqual([ou.team, ou.prod]);
    expect(await lookup(account.inSandbox)).toEqual([ou.sandbox]);
    expect(await lookup(account.atRoot)).toEqual([]);
    // Not in the organization: under no OU.
    expect(await lookup('999999999999')).toEqual([]);
  });

  it('keeps a path for its TTL (and each OU’s parent, shared by the accounts under it), then asks again', async () => {
    let calls = 0;
    let clock = 0;
    const counted = { send: ((command: never) => (calls++, organizations.send(command))) as OrganizationsClient['send'] };
    const lookup = organizationalUnits({ client: counted, ttlMs: 3_600_000, now: () => clock });
    expect(await lookup(account.inTeam)).toEqual([ou.team, ou.prod]);
    expect(calls, 'account → team → production → root').toBe(3);
    await lookup(account.inTeam);
    expect(calls, 'kept').toBe(3);

    await organizations.send(new MoveAccountCommand({ AccountId: account.atRoot, SourceParentId: root, DestinationParentId: ou.team }));
    expect(await lookup(account.atRoot)).toEqual([ou.team, ou.prod]);
    expect(calls, 'one call: the OUs above it are known').toBe(4);
    await organizations.send(new MoveAccountCommand({ AccountId: account.atRoot, SourceParentId: ou.team, DestinationParentId: root }));
    expect(await lookup(account.atRoot), 'within the TTL: the path as it was').toEqual([ou.team, ou.prod]);
    clock += 3_600_000;
    expect(await lookup(account.atRoot), 'after the TTL: where it is now').toEqual([]);
    expect(calls).toBe(5);
  });

  it('a policy scoped to an OU applies to an account under it, at any depth, and not to another', async () => {
    const parsed = parsePolicyFile(
      policyText('prod', `mode: enforce\nrules:\n  no-privileged-containers: deny\nmatch:\n  organizationalUnits: ["${ou.prod}"]`),
      'prod.yaml',
    );
    expect(parsed.errors).toEqual([]);
    const { policies, errors } = compilePolicies(parsed.policies, { builtinRules, now: new Date(), readExtended: () => [] });
    expect(errors).toEqual([]);
    const lookup = organizationalUnits({ clientConfig });
    const judged = async (accountId: string) => {
      const request = await withOrganizationalUnits({ account: accountId, region: 'us-east-1' }, policies, lookup);
      const [resource] = loadResources(
        JSON.stringify({ family: 'agent', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] }),
        'td.json',
      );
      resource!.request = request;
      return policyEvaluator(policies, { now: new Date() })
        .makeEvaluate(() => 'none')(resource!)
        .findings.map((f) => `${f.ruleId}:${f.decidedBy}`);
    };
    expect(await judged(account.inTeam)).toEqual(['no-privileged-containers:prod']);
    expect(await judged(account.inSandbox)).toEqual([]);
    expect(await judged(account.atRoot)).toEqual([]);
  });
});
