// Runs the admission Lambda's handler locally on one event file, with the current environment
// (ECS_ADMISSION_*, AWS_REGION, AWS_ENDPOINT_URL for moto server), and prints what it returns.
// Like the deployed function it reads compiled policies (ECS_ADMISSION_POLICIES, by default
// compiled/policies.json), never policy files: see "Run it locally" in docs/lambda.md.
//   npx ecs-admission compile policies/recommended.yaml --out compiled/policies.json
//   npm run invoke -- docs/events/register-task-definition.json
import { readFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run invoke -- <event.json>');
  process.exit(2);
}
let event;
try {
  event = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  process.exit(2);
}
const { handler } = await import('../dist/lambda.mjs');
const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
if (!region) {
  console.error('set AWS_REGION: the Region the function would run in, whose calls it judges');
  process.exit(2);
}
// The function judges the calls of its own account: here, the account of the credentials.
let account;
try {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account;
} catch (error) {
  console.error(
    `cannot tell the account of the credentials (sts:GetCallerIdentity${process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : ''}): ${error.name}: ${error.message}`,
  );
  process.exit(2);
}
const context = {
  functionName: 'ecs-admission-local',
  functionVersion: '$LATEST',
  awsRequestId: `local-${process.pid}`,
  memoryLimitInMB: '256',
  invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:ecs-admission-local`,
};
try {
  console.log(JSON.stringify(await handler(event, context), null, 2));
} catch (error) {
  // The deployed Lambda would retry this event, then send it to the dead-letter queue.
  console.error(`invocation failed (the Lambda would retry, then dead-letter the event): ${error.name}: ${error.message}`);
  process.exit(1);
}
