// The alarms of the packaged template (deploy/alarms.yml): what each watches, that each reaches the
// alarm topic, and that the topic can receive them (a customer managed key CloudWatch may use).
import { beforeAll, describe, expect, it } from 'vitest';
import { docSection, markdownTable } from '../helpers/docs.js';
import { packageService, type Template } from '../helpers/serverless-package.js';

const ADMISSION = { Name: 'FunctionName', Value: { Ref: 'AdmissionLambdaFunction' } };
const SWEEP = { Name: 'FunctionName', Value: { Ref: 'SweepLambdaFunction' } };
const OWN_METRICS = { Name: 'service', Value: 'ecs-admission' };

/** Each alarm: its name after `ecs-admission-dev-`, and the one metric it watches. */
const SINGLE_METRIC_ALARMS = {
  DeadLetterQueueAlarm: {
    name: 'dead-letters',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
    Statistic: 'Maximum',
  },
  AdmissionThrottlesAlarm: { name: 'admission-throttles', Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [ADMISSION], Statistic: 'Sum' },
  EventRuleFailedInvocationsAlarm: {
    name: 'event-delivery',
    Namespace: 'AWS/Events',
    MetricName: 'FailedInvocations',
    Dimensions: [{ Name: 'RuleName', Value: 'ecs-admission-dev-ecs-calls' }],
    Statistic: 'Sum',
  },
  UnverifiedAlarm: { name: 'unverified', Namespace: 'ECSAdmission', MetricName: 'Unverified', Dimensions: [OWN_METRICS], Statistic: 'Sum' },
  BudgetSpentAlarm: { name: 'budget-spent', Namespace: 'ECSAdmission', MetricName: 'BudgetSpent', Dimensions: [OWN_METRICS], Statistic: 'Sum' },
  SweepErrorsAlarm: { name: 'sweep-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [SWEEP], Statistic: 'Sum' },
};

let template: Template;
beforeAll(async () => {
  template = (await packageService()).template;
}, 120_000);

const alarms = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

describe('alarms', () => {
  it('are these seven, each firing on the first 5-minute period above 0 and telling the alarm topic, and again when back to OK', () => {
    expect(
      alarms()
        .map(([id]) => id)
        .sort(),
    ).toEqual([...Object.keys(SINGLE_METRIC_ALARMS), 'AdmissionErrorsAlarm'].sort());
    for (const [id, { Properties: p }] of alarms()) {
      expect(p, id).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
      });
      expect(String(p.AlarmDescription).length, id).toBeGreaterThan(40);
    }
  });

  it('watch the dead-letter queue, throttles, failed deliveries of the rule, unverified events, the spent budget and the sweep', () => {
    for (const [id, { name, ...metric }] of Object.entries(SINGLE_METRIC_ALARMS)) {
      expect(template.Resources[id]!.Properties, id).toMatchObject({ AlarmName: `ecs-admission-dev-${name}`, Period: 300, ...metric });
    }
    // The rule the delivery alarm names is the admission rule.
    const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern);
    expect(rule!.Properties.Name).toBe('ecs-admission-dev-ecs-calls');
  });

  it("count the admission function's errors less the lease conflicts it throws on purpose", () => {
    const p = template.Resources.AdmissionErrorsAlarm!.Properties;
    expect(p.AlarmName).toBe('ecs-admission-dev-admission-errors');
    expect(p.MetricName).toBeUndefined();
    expect(p.Metrics).toEqual([
      {
        Id: 'errors',
        MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [ADMISSION] }, Period: 300, Stat: 'Sum' },
        ReturnData: false,
      },
      {
        Id: 'leaseHeld',
        MetricStat: { Metric: { Namespace: 'ECSAdmission', MetricName: 'LeaseHeld', Dimensions: [OWN_METRICS] }, Period: 300, Stat: 'Sum' },
        ReturnData: false,
      },
      { Id: 'unexpected', Expression: 'errors - FILL(leaseHeld, 0)', Label: 'Admission errors other than lease conflicts', ReturnData: true },
    ]);
  });

  it('are each in docs/lambda.md, with what to do', () => {
    const rows = markdownTable(docSection('docs/lambda.md', '## Alarms'), ['alarm (`ecs-admission-<stage>-…`)', 'metric', 'what to do']);
    const names = alarms().map(([, r]) => String(r.Properties.AlarmName).replace('ecs-admission-dev-', ''));
    expect(rows.map((r) => r['alarm (`ecs-admission-<stage>-…`)']!.replaceAll('`', '')).sort()).toEqual(names.sort());
  });
});

describe('alarm topic', () => {
  it('is encrypted with a customer managed key, rotated, that CloudWatch and EventBridge may use', () => {
    expect(template.Resources.AlarmTopic).toMatchObject({
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: 'ecs-admission-dev-alarms', KmsMasterKeyId: { Ref: 'AlarmTopicKey' } },
    });
    const key = template.Resources.AlarmTopicKey!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect((key.Properties.KeyPolicy as { Statement: unknown[] }).Statement).toEqual([
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'AlarmsAndEventsPublish',
        Effect: 'Allow',
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ]);
  });
});
