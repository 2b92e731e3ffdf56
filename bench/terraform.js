// Terraform benchmarks (npm run bench builds first). Figures, not pass/fail: targets in docs/performance.md.
//  1. `ecs-admission check` on a 1,000-resource `terraform show -json` plan (500 task definitions,
//     500 services, in the root module and 4 child modules): whole process, resources per second;
//  2. `ecs-admission check` on a directory of 200 `.tf` files (20 modules of 10 files): files per second;
//  3. start-up: `check` on one JSON task definition, against `check` on one `.tf` file — the HCL
//     parser (WebAssembly) is loaded only when a `.tf` file is given.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const bin = new URL('../bin/ecs-admission.js', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wallTime(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    try {
      execFileSync(process.execPath, [bin, 'check', ...args, '--format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    } catch (error) {
      if (error.status !== 1) throw new Error(`check ${args.join(' ')} exited ${error.status}: ${String(error.stderr).slice(0, 500)}`);
    }
    times.push(performance.now() - start);
  }
  return median(times);
}

const containers = (i) =>
  JSON.stringify([
    {
      name: 'app',
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app-${i}:1.${i}`,
      essential: true,
      privileged: i % 10 === 0,
      readonlyRootFilesystem: true,
      user: '1000',
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [{ name: 'STAGE', value: 'prod' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/app-${i}`, 'awslogs-region': 'eu-west-1', mode: 'non-blocking' } },
    },
    { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0', essential: false, memory: 256 },
  ]);

/** A plan of `n` task definitions and `n` services, spread over the root module and 4 child modules. */
function plan(n) {
  const changes = [];
  for (let i = 0; i < n; i++) {
    const module = i % 5 === 0 ? '' : `module.svc${i % 5}.`;
    const td = `${module}aws_ecs_task_definition.app${i}`;
    changes.push({
      address: td,
      ...(module ? { module_address: module.slice(0, -1) } : {}),
      mode: 'managed',
      type: 'aws_ecs_task_definition',
      name: `app${i}`,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: {
          family: `app-${i}`,
          container_definitions: containers(i),
          network_mode: 'awsvpc',
          requires_compatibilities: ['FARGATE'],
          cpu: '512',
          memory: '1024',
          runtime_platform: [{ operating_system_family: 'LINUX', cpu_architecture: 'ARM64' }],
          volume: [],
          tags: { Team: 'web' },
        },
        after_unknown: { arn: true, revision: true, execution_role_arn: true, task_role_arn: true, runtime_platform: [{}], volume: [], tags: {} },
      },
    });
    changes.push({
      address: `${module}aws_ecs_service.app${i}`,
      ...(module ? { module_address: module.slice(0, -1) } : {}),
      mode: 'managed',
      type: 'aws_ecs_service',
      name: `app${i}`,
      change: {
        actions: ['create'],
        before: null,
        after: {
          name: `app-${i}`,
          launch_type: 'FARGATE',
          platform_version: 'LATEST',
          desired_count: 2,
          enable_execute_command: i % 7 === 0,
          network_configuration: [{ assign_public_ip: i % 3 === 0, subnets: ['subnet-1'], security_groups: ['sg-1'] }],
          deployment_circuit_breaker: [{ enable: true, rollback: true }],
        },
        after_unknown: { id: true, cluster: true, task_definition: true, network_configuration: [{ subnets: [false], security_groups: [false] }] },
      },
    });
  }
  return { format_version: '1.2', terraform_version: '1.9.8', resource_changes: changes };
}

/** `modules` directories of `files` .tf files each: a task definition and a service per file. */
function tfModules(root, modules, files) {
  for (let m = 0; m < modules; m++) {
    const dir = join(root, `module-${m}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < files; f++) {
      const i = m * files + f;
      writeFileSync(
        join(dir, `service-${f}.tf`),
        `resource "aws_ecs_task_definition" "app${f}" {
  family                   = "app-${i}"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn
  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app-${i}:1.${i}"
      essential              = true
      privileged             = ${i % 10 === 0}
      readonlyRootFilesystem = true
      user                   = "1000"
      portMappings           = [{ containerPort = 8080, protocol = "tcp" }]
      environment            = [{ name = "STAGE", value = var.stage }]
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = "/ecs/app-${i}", "awslogs-region" = "eu-west-1", mode = "non-blocking" }
      }
    }
  ])
}

resource "aws_ecs_service" "app${f}" {
  name                   = "app-${i}"
  cluster                = var.cluster_arn
  task_definition        = aws_ecs_task_definition.app${f}.arn
  desired_count          = 2
  launch_type            = "FARGATE"
  enable_execute_command = ${i % 7 === 0}

  network_configuration {
    subnets          = var.subnets
    assign_public_ip = ${i % 3 === 0}
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
`,
      );
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-tf-'));
try {
  console.log(`ecs-admission Terraform benchmarks — Node ${process.version}\n`);
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan(500)));
  const planMs = wallTime([planFile], 5);
  console.log('1. check on a 1,000-resource Terraform plan (whole process, median of 5)');
  console.log(`   ${planMs.toFixed(0)} ms: ${Math.round(1000 / (planMs / 1000)).toLocaleString('en-US')} resources/s\n`);

  const modules = join(dir, 'modules');
  tfModules(modules, 20, 10);
  const tfMs = wallTime([modules], 5);
  console.log('2. check on 200 .tf files (20 modules × 10 files, 400 resources; whole process, median of 5)');
  console.log(`   ${tfMs.toFixed(0)} ms: ${Math.round(200 / (tfMs / 1000)).toLocaleString('en-US')} files/s, ${Math.round(400 / (tfMs / 1000))} resources/s\n`);

  const json = join(dir, 'task-definition.json');
  writeFileSync(json, JSON.stringify({ family: 'one', containerDefinitions: JSON.parse(containers(1)) }));
  const oneTf = join(dir, 'one');
  tfModules(oneTf, 1, 1);
  const jsonMs = wallTime([json], 15);
  const tfOneMs = wallTime([join(oneTf, 'module-0', 'service-0.tf')], 15);
  const bare = median(
    Array.from({ length: 15 }, () => {
      const start = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      return performance.now() - start;
    }),
  );
  console.log('3. start-up: check on one file (whole process, median of 15)');
  console.log(
    `   one JSON task definition: ${jsonMs.toFixed(0)} ms; one .tf file: ${tfOneMs.toFixed(0)} ms (the HCL parser's load); node -e 0: ${bare.toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
