// What the benchmarks share: the realistic task definition they evaluate, moto server (started as test/setup/moto-server.ts
// starts it for the tests) and a bundle of the sources they measure.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { URLSearchParams } from 'node:url';
import { build } from 'esbuild';

/**
 * Starts moto_server on a free loopback port, its log in `logPath`; returns its URL and process,
 * or undefined when it is not installed.
 */
export async function startMoto(logPath) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFd = openSync(logPath, 'w');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  try {
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      if ((await globalThis.fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, child };
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start; its log:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * An ESM bundle of `exportLines` (re-exports from the repository's sources and packages), built
 * with the options of scripts/build.js, so a benchmark imports exactly the code that ships.
 */
export async function benchBundle(exportLines, outfile) {
  await build({
    stdin: { contents: exportLines.join('\n'), resolveDir: new URL('..', import.meta.url).pathname, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    loader: { '.css': 'text' },
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** A container as teams write them: image from ECR, env, ports, logs, health check, limits. */
export function container(i) {
  return {
    name: i === 0 ? 'app' : `sidecar-${i}`,
    image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/service-${i}:1.${i}.0`,
    cpu: 128,
    memory: 256,
    essential: i === 0,
    user: '1000:1000',
    readonlyRootFilesystem: i % 2 === 0,
    portMappings: [{ containerPort: 8080 + i, protocol: 'tcp' }],
    environment: [
      { name: 'PORT', value: String(8080 + i) },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FEATURE_FLAGS', value: 'checkout,search,recommendations' },
      { name: 'UPSTREAM_URL', value: `https://upstream-${i}.internal.example.com/api/v2` },
      { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
    ],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' }],
    healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${8080 + i}/health || exit 1`], interval: 30 },
    linuxParameters: { capabilities: { drop: ['ALL'] }, initProcessEnabled: true },
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/service', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': `c${i}`, mode: 'non-blocking' },
    },
    dockerLabels: { team: 'payments', component: `c${i}` },
  };
}

export function taskDefinition(containers) {
  return {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/service:42',
    family: 'service',
    revision: 42,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '4096',
    memory: '8192',
    taskRoleArn: 'arn:aws:iam::111122223333:role/service-task',
    executionRoleArn: 'arn:aws:iam::111122223333:role/service-execution',
    containerDefinitions: Array.from({ length: containers }, (_, i) => container(i)),
    volumes: [{ name: 'tmp' }],
    tags: [{ key: 'Owner', value: 'payments' }],
  };
}

/** moto's default subnets and security group, by EC2's query API (as test/helpers/moto.ts does). */
export async function defaultNetwork(endpoint, region) {
  const ec2 = async (params) => {
    const response = await globalThis.fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `AWS4-HMAC-SHA256 Credential=x/20240101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({ ...params, Version: '2016-11-15' }).toString(),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`EC2 ${params.Action} on moto: HTTP ${response.status}\n${text.slice(0, 500)}`);
    return text;
  };
  const all = (text, pattern) => [...new Set([...text.matchAll(pattern)].map((m) => m[1]))];
  const subnetXml = await ec2({ Action: 'DescribeSubnets', 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' });
  const subnets = all(subnetXml, /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/g);
  const vpcs = all(subnetXml, /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/g);
  if (subnets.length === 0 || vpcs.length !== 1) throw new Error(`moto has no single default VPC with subnets:\n${subnetXml.slice(0, 500)}`);
  const groupXml = await ec2({
    Action: 'DescribeSecurityGroups',
    'Filter.1.Name': 'vpc-id',
    'Filter.1.Value.1': vpcs[0],
    'Filter.2.Name': 'group-name',
    'Filter.2.Value.1': 'default',
  });
  const securityGroups = all(groupXml, /<groupId>(sg-[0-9a-f]+)<\/groupId>/g);
  if (securityGroups.length !== 1) throw new Error(`expected one default security group:\n${groupXml.slice(0, 500)}`);
  return { subnets, securityGroups };
}

/** An HTTP proxy in front of moto that holds every request `latency` ms before forwarding it. */
export async function latencyProxy(target, latency) {
  const server = createHttpServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', async () => {
      await delay(latency);
      const upstream = httpRequest(`${target}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', (error) => response.destroy(error));
      upstream.end(Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/**
 * The containers the Lambda benchmarks register: a hardened one from `account`'s ECR in `region`
 * (passes the enforce-recommended policy) and its privileged twin (denied).
 */
export function benchContainers(account, region) {
  const good = {
    name: 'app',
    image: `${account}.dkr.ecr.${region}.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
    user: '1000',
    readonlyRootFilesystem: true,
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
    memory: 256,
    essential: true,
  };
  return { good, privileged: { ...good, privileged: true } };
}

/** test/fixtures/policies/enforce-recommended.yaml compiled as the Lambdas read it, into `file`; `lib` is a bench bundle. */
export async function compileEnforcePolicies(lib, file) {
  const source = 'test/fixtures/policies/enforce-recommended.yaml';
  const loaded = await lib.loadPolicies([new URL(`../${source}`, import.meta.url).pathname], lib.builtinRules, new Date());
  writeFileSync(file, JSON.stringify(lib.toBundle(loaded.policies, { sources: [source], compiledBy: 'bench' })));
  return file;
}

/** A ledger table (the decisions' and the budget's) named `name`, in moto; `lib` is a bench bundle. */
export async function createLedgerTable(lib, aws, name) {
  await new lib.DynamoDBClient(aws).send(
    new lib.CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'eventId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
    }),
  );
  return name;
}
