// Alerts through SNS: the main topic in the chosen format, and optionally a second topic in the
// AWS Chatbot format, so email and Slack can both be served from one deployment.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { buildAlert, type AlertFormat } from '../../admission/alert.js';
import type { AlertSink } from '../../admission/ports.js';

export interface SnsTargets {
  topicArn?: string;
  format: AlertFormat;
  chatbotTopicArn?: string;
}

export function snsAlerts(client: SNSClient, targets: SnsTargets): AlertSink {
  const send = async (topicArn: string, format: AlertFormat, decision: Parameters<AlertSink['publish']>[0]): Promise<void> => {
    const alert = buildAlert(decision, format);
    await client.send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message, MessageAttributes: alert.attributes }));
  };
  return {
    async publish(decision) {
      if (targets.topicArn) await send(targets.topicArn, targets.format, decision);
      if (targets.chatbotTopicArn) await send(targets.chatbotTopicArn, 'chatbot', decision);
    },
  };
}
