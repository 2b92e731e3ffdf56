// The hub's way into member accounts, against moto over HTTP: moto's AssumeRole gives credentials
// that act in the role's account, so an ARN says which account a call really reached. AssumeRole
// calls are counted at the recording proxy.
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { memberAccess } from '../../src/adapters/aws/member-access.js';
import { UnreadableError } from '../../src/admission/ports.js';
import { awsClientConfig, describeWithMoto, motoEndpoint, uniqueName } from '../helpers/moto.js';
import { recordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const HUB = { account: '123456789012', region: 'us-east-1' };
const MEMBER = '222222222222';
const OTHER = '333333333333';

describeWithMoto('member access from the hub', () => {
  let proxy: RecordingProxy;
  const config = () => ({ ...awsClientConfig(), endpoint: proxy.endpoint, maxAttempts: 1 });
  const access = (options: { maxClients?: number } = {}) => memberAccess({ roleName: 'ecs-admission-member', home: HUB, clientConfig: config(), ...options });
  const assumeCalls = (account: string) => proxy.calls('AssumeRole', `${account}%3Arole%2Fecs-admission-member`);

  beforeAll(async () => {
    proxy = await recordingProxy(motoEndpoint()!);
  });
  afterAll(() => proxy.close());

  it("reads in the event's account and Region, and its own account without assuming anything", async () => {
    const member = access();
    const family = uniqueName('member');
    const arn = (await member.ecsFor(MEMBER, 'eu-west-1').describeTaskDefinition(family)) ?? undefined;
    expect(arn).toBeUndefined(); // nothing registered there yet: not found, not an error
    // Register through a client of the member account, then read it back through the hub.
    const registered = await memberRegister(MEMBER, 'eu-west-1', family);
    expect(registered).toContain(`:ecs:eu-west-1:${MEMBER}:task-definition/${family}:1`);
    const read = await member.ecsFor(MEMBER, 'eu-west-1').describeTaskDefinition(`${family}:1`);
    expect(read?.taskDefinitionArn).toBe(registered);
    // The same family does not exist in the hub's account or the member's other Region.
    expect(await member.ecsFor(HUB.account, 'eu-west-1').describeTaskDefinition(`${family}:1`)).toBeUndefined();
    expect(await member.ecsFor(MEMBER, 'us-east-1').describeTaskDefinition(`${family}:1`)).toBeUndefined();
    expect(assumeCalls(HUB.account)).toHaveLength(0);
  });

  it('assumes once per account, shared by its Regions and by concurrent first uses', async () => {
    const before = assumeCalls(OTHER).length;
    const member = access();
    await Promise.all(
      ['us-east-1', 'eu-west-1', 'us-east-1', 'eu-west-1', 'ap-southeast-2'].map((region) =>
        member.ecsFor(OTHER, region).describeTaskDefinition(uniqueName('none')),
      ),
    );
    expect(assumeCalls(OTHER).length - before).toBe(1);
    expect(member.assumed).toBe(1);
  });

  it('assumes again five minutes before the credentials expire, not earlier', async () => {
    // The SDK keeps the credentials too, by the wall clock: move the clock for both.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const member = access();
      const before = assumeCalls(MEMBER).length;
      await member.ecsFor(MEMBER, 'eu-west-1').describeTaskDefinition(uniqueName('none'));
      vi.setSystemTime(Date.now() + 50 * 60_000); // 10 minutes left of the hour
      await member.ecsFor(MEMBER, 'eu-west-1').describeTaskDefinition(uniqueName('none'));
      expect(assumeCalls(MEMBER).length - before).toBe(1);
      vi.setSystemTime(Date.now() + 6 * 60_000); // 4 minutes left
      // (moto dates the new credentials by the real clock, so only the first call after the jump counts)
      await member.ecsFor(MEMBER, 'us-east-1').describeTaskDefinition(uniqueName('none'));
      expect(assumeCalls(MEMBER).length - before).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says which account needs the member stack when the role is refused, and tries again on the next event', async () => {
    const member = access();
    proxy.inject({ action: 'AssumeRole', contains: '444444444444', refuse: 'AccessDenied' });
    const refused = member.ecsFor('444444444444', 'eu-west-1').describeTaskDefinition('web:1');
    await expect(refused).rejects.toBeInstanceOf(UnreadableError);
    await expect(refused).rejects.toThrow(
      /cannot assume arn:aws:iam::444444444444:role\/ecs-admission-member .*AccessDenied.*deploy the member stack in 444444444444/,
    );
    // The refusal is not cached: once the stack is there, the next event gets through.
    expect(await member.ecsFor('444444444444', 'eu-west-1').describeTaskDefinition(uniqueName('none'))).toBeUndefined();
  });

  it('keeps at most maxClients clients, dropping the least recently used', () => {
    const member = access({ maxClients: 2 });
    const a = member.ecsFor(MEMBER, 'eu-west-1');
    const b = member.ecsFor(MEMBER, 'us-east-1');
    expect(member.ecsFor(MEMBER, 'eu-west-1')).toBe(a); // a is now the most recent
    member.ecsFor(OTHER, 'eu-west-1'); // evicts b
    expect(member.ecsFor(MEMBER, 'eu-west-1')).toBe(a);
    expect(member.ecsFor(MEMBER, 'us-east-1')).not.toBe(b);
  });

  it('shares one connection pool among all its clients (a new account does not pay new connections)', () => {
    const member = access();
    const handlers = [member.clientFor(HUB.account, 'us-east-1'), member.clientFor(MEMBER, 'eu-west-1'), member.clientFor(OTHER, 'us-east-1')].map(
      (c) => c.config.requestHandler,
    );
    expect(new Set(handlers).size).toBe(1);
  });

  /** Registers in a member account with credentials moto gives for its role (as a deployer there would). */
  async function memberRegister(account: string, region: string, family: string): Promise<string> {
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient(awsClientConfig());
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/deployer`, RoleSessionName: 'test' }))).Credentials!;
    const ecs = new ECSClient({
      ...awsClientConfig(),
      region,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    const out = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128 }] }));
    return out.taskDefinition!.taskDefinitionArn!;
  }
});
