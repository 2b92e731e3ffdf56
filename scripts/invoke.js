// Runs the admission Lambda's handler locally on one event file, with the current environment
// (ECS_ADMISSION_*, AWS_REGION, AWS_ENDPOINT_URL for moto server), and prints what it returns.
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
const context = { functionName: 'ecs-admission-local', functionVersion: '$LATEST', awsRequestId: `local-${process.pid}`, memoryLimitInMB: '256', invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:ecs-admission-local' };
try {
  console.log(JSON.stringify(await handler(event, context), null, 2));
} catch (error) {
  // The deployed Lambda would retry this event, then send it to the dead-letter queue.
  console.error(`invocation failed (the Lambda would retry, then dead-letter the event): ${error.name}: ${error.message}`);
  process.exit(1);
}
