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
  const send = (topicArn: string, format: AlertFormat, decision: Parameters<AlertSink['publish']>[0]): Promise<void> => publishMessage(client, topicArn, buildAlert(decision, format));
  return {
    async publish(decision) {
      if (targets.topicArn) await send(targets.topicArn, targets.format, decision);
      if (targets.chatbotTopicArn) await send(targets.chatbotTopicArn, 'chatbot', decision);
    },
  };
}

/** One message on a topic: an alert, or the sweep's digest. */
export async function publishMessage(client: SNSClient, topicArn: string, message: { subject: string; message: string; attributes: Record<string, { DataType: string; StringValue: string }> }): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.message, MessageAttributes: message.attributes }));
}
