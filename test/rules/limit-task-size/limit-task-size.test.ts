import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../../src/core/unknown.js';
import rule, { CPU, MEMORY, parseSize } from '../../../src/rules/limit-task-size.js';
import { testRule } from '../../helpers/rule-tester.js';

// limit-task-size only fails once configured (no limit by default): its fail and unknown fixtures
// name the options they run with; every fixture passes with the defaults.
const limits = { maxCpu: 4096, maxMemory: 8192 };

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // "16 vCPU" and "120 GB": the forms ECS converts at registration.
    'fail/register-request-fargate-16-vcpu.json': {
      options: limits,
      findings: [
        { path: 'cpu', message: 'Task-level cpu is 16384 CPU units ("16 vCPU"), above the limit of 4096 (maxCpu).' },
        { path: 'memory', message: 'Task-level memory is 122880 MiB ("120 GB"), above the limit of 8192 (maxMemory).' },
      ],
    },
    // EC2 without task-level size: the containers' sum (memoryReservation where no hard limit).
    'fail/describe-output-ec2-containers-sum.json': {
      options: limits,
      findings: [
        {
          path: 'containerDefinitions',
          message: 'Containers ask for 4352 CPU units of cpu in all and the task definition sets no task-level cpu; the limit is 4096 (maxCpu).',
        },
        {
          path: 'containerDefinitions',
          message: 'Containers ask for 8704 MiB of memory in all and the task definition sets no task-level memory; the limit is 8192 (maxMemory).',
        },
      ],
    },
    'fail/run-task-overrides-cpu-and-memory.json': {
      options: limits,
      findings: [
        { path: 'overrides.cpu', message: 'Task overrides cpu to 8192 CPU units, above the limit of 4096 (maxCpu).' },
        { path: 'overrides.memory', message: 'Task overrides memory to 16384 MiB, above the limit of 8192 (maxMemory).' },
      ],
    },
  },
  skip: {
    'skip/run-task-no-overrides.json': 'the task overrides no task-level size',
  },
  unknown: {
    'unknown/cloudformation-cpu-from-parameter.yaml': { options: limits, reason: 'cpu is unknown (!Ref TaskCpu)' },
  },
  options: [
    { name: '1 vCPU and 2GB are within the limits', file: 'pass/register-request-fargate-1-vcpu-2-gb.json', options: limits, expect: 'pass' },
    {
      name: '1 vCPU is 1024 units: above a 512 limit',
      file: 'pass/register-request-fargate-1-vcpu-2-gb.json',
      options: { maxCpu: 512 },
      expect: [{ path: 'cpu', message: 'Task-level cpu is 1024 CPU units ("1 vCPU"), above the limit of 512 (maxCpu).' }],
    },
    {
      name: 'a limit equal to the size passes',
      file: 'pass/cloudformation-task-size-numbers.yaml',
      options: { maxCpu: 2048, maxMemory: 4096 },
      expect: 'pass',
    },
    {
      name: 'numbers in CloudFormation',
      file: 'pass/cloudformation-task-size-numbers.yaml',
      options: { maxMemory: 2048 },
      expect: [{ path: 'memory', message: 'Task-level memory is 4096 MiB, above the limit of 2048 (maxMemory).' }],
    },
    {
      name: 'Fargate without task-level size: the containers are not summed',
      file: 'pass/register-request-fargate-no-task-size.json',
      options: { maxCpu: 256, maxMemory: 512 },
      expect: 'pass',
    },
    {
      name: 'only the limit that is set is judged',
      file: 'fail/run-task-overrides-cpu-and-memory.json',
      options: { maxMemory: 16384 },
      expect: 'pass',
    },
    {
      name: 'the unknown cpu does not hide a memory above the limit',
      file: 'unknown/cloudformation-cpu-from-parameter.yaml',
      options: { maxMemory: 1024 },
      expect: [{ path: 'memory', message: 'Task-level memory is 2048 MiB, above the limit of 1024 (maxMemory).' }],
    },
    { name: 'fail fixtures pass with the default options', file: 'fail/register-request-fargate-16-vcpu.json', options: {}, expect: 'pass' },
  ],
});

describe('task sizes as ECS reads them', () => {
  it('reads units, vCPUs and GB, with or without a space, in any case', () => {
    expect([parseSize('1024', CPU, 'cpu'), parseSize('0.5 vCPU', CPU, 'cpu'), parseSize('2vcpu', CPU, 'cpu'), parseSize(256, CPU, 'cpu')]).toEqual([
      1024, 512, 2048, 256,
    ]);
    expect([parseSize('3072', MEMORY, 'memory'), parseSize('2GB', MEMORY, 'memory'), parseSize('0.5 gb', MEMORY, 'memory')]).toEqual([3072, 2048, 512]);
  });

  it('never passes what ECS would not accept: an error of the input, naming the field', () => {
    expect(() => parseSize('lots', CPU, 'overrides.cpu')).toThrow(InvalidValueError);
    expect(() => parseSize('2 GB', CPU, 'cpu')).toThrow('cpu: expected CPU units ("1024") or "1 vCPU", found "2 GB"');
    expect(() => parseSize('1 vCPU', MEMORY, 'memory')).toThrow('memory: expected MiB ("1024") or "2 GB", found "1 vCPU"');
  });
});
