import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS } from '../../src/render/chatbot.js';
import { policyProblemMessage } from '../../src/render/policy-problem.js';

const problem = {
  object: 's3://policies-bucket/policies.json',
  version: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
  serving: 'a1b2c3',
  message: 'unknown rule "require-something-new" <@here> (policy "prod" in policies/prod.yaml)',
  file: 'policies/prod.yaml',
  line: 12,
};

describe('the alert for a policy version that does not load', () => {
  it('says in JSON what is wrong, where, and which version keeps serving', () => {
    const out = policyProblemMessage(problem, 'json');
    expect(JSON.parse(out.message)).toEqual({
      schemaVersion: '1',
      kind: 'policy-load-failed',
      object: problem.object,
      version: problem.version,
      serving: 'a1b2c3',
      message: problem.message,
      file: 'policies/prod.yaml',
      line: 12,
    });
    expect(out.subject).toMatch(/^\[ERROR\] ecs-admission: policy version .* does not load/);
    expect(out.subject.length).toBeLessThan(100);
    expect(out.attributes.kind).toEqual({ DataType: 'String', StringValue: 'policy-load-failed' });
  });

  it('fits the Chatbot schema and names the file and line without letting text form a mention', () => {
    const note = JSON.parse(policyProblemMessage(problem, 'chatbot').message) as {
      content: { title: string; description: string; nextSteps: string[] };
      metadata: { eventType: string };
    };
    expect(note.metadata.eventType).toBe('ecs-admission.policy');
    expect(note.content.description).toContain('`policies/prod.yaml:12`');
    expect(note.content.description).toContain('&lt;@here&gt;');
    expect(note.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(note.content.nextSteps.every((s) => s.length <= CHATBOT_LIMITS.nextStep)).toBe(true);
  });
});
