/**
 * The alert for a policy version that does not load (policies kept in S3): the version still
 * serving, what is wrong and where (policy file and line), for the people who pushed it. One per
 * bad version; a channel delivers it as it delivers decisions.
 */
import type { Message } from '../core/channel.js';
import type { BadPolicyVersion } from '../policy/bundle-versions.js';
import type { AlertFormat } from './alert/index.js';
import { CHATBOT_LIMITS, code, mrkdwn, type ChatbotNotification } from './chatbot.js';
import { toAsciiLine, truncate, MAX_SUBJECT_LENGTH } from './text.js';

export const POLICY_PROBLEM_SCHEMA_VERSION = '1';

export function policyProblemMessage(problem: BadPolicyVersion, format: AlertFormat): Message {
  const where = problem.file ? `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''}` : undefined;
  const subject = truncate(
    toAsciiLine(`[ERROR] ecs-admission: policy version ${problem.version} does not load; ${problem.serving} keeps serving`),
    MAX_SUBJECT_LENGTH,
  );
  const attributes: Message['attributes'] = {
    kind: { DataType: 'String', StringValue: 'policy-load-failed' },
    verdict: { DataType: 'String', StringValue: 'error' },
  };
  if (format === 'chatbot') {
    const notification: ChatbotNotification<'ecs-admission.policy'> = {
      version: '1.0',
      source: 'custom',
      id: `policy-${problem.version}`.slice(0, 64),
      content: {
        textType: 'client-markdown',
        title: truncate(`:x: Policy version ${problem.version} does not load`, CHATBOT_LIMITS.title),
        description: truncate(
          `${where ? `${code(where)}: ` : ''}${mrkdwn(problem.message)}\n\n${code(problem.object)} version ${code(problem.serving)} keeps serving.`,
          CHATBOT_LIMITS.description,
        ),
        nextSteps: [
          truncate(
            `Fix ${where ?? 'the policy'} and push again (ecs-admission policy push runs validate and the policy tests first).`,
            CHATBOT_LIMITS.nextStep,
          ),
        ],
        keywords: ['policy-load-failed'],
      },
      metadata: {
        threadId: `ecs-admission-policy-${problem.object}`.slice(0, 128),
        summary: truncate(`Policy version ${problem.version} does not load`, CHATBOT_LIMITS.title),
        eventType: 'ecs-admission.policy',
        relatedResources: [problem.object],
        additionalContext: { version: problem.version, serving: problem.serving },
      },
    };
    return { subject, message: JSON.stringify(notification), attributes };
  }
  const document = {
    schemaVersion: POLICY_PROBLEM_SCHEMA_VERSION,
    kind: 'policy-load-failed',
    object: problem.object,
    version: problem.version,
    serving: problem.serving,
    message: problem.message,
    ...(problem.file ? { file: problem.file } : {}),
    ...(problem.line !== undefined ? { line: problem.line } : {}),
  };
  return { subject, message: JSON.stringify(document, null, 2), attributes };
}
