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

/** Channels `topic` (the main topic, in `format`) and `chatbot`, each only when its topic is set. */
export function snsAlerts(client: SNSClient, targets: SnsTargets): AlertSink {
  const topics: Record<string, { topicArn: string; format: AlertFormat }> = {};
  if (targets.topicArn) topics.topic = { topicArn: targets.topicArn, format: targets.format };
  if (targets.chatbotTopicArn) topics.chatbot = { topicArn: targets.chatbotTopicArn, format: 'chatbot' };
  return {
    channels: Object.keys(topics),
    async publish(decision, channel) {
      const topic = topics[channel];
      if (!topic) throw new Error(`no alert channel "${channel}" (channels: ${Object.keys(topics).join(', ') || 'none'})`);
      await publishMessage(client, topic.topicArn, buildAlert(decision, topic.format));
    },
  };
}

/** One message on a topic: an alert, or the sweep's digest. */
export async function publishMessage(client: SNSClient, topicArn: string, message: { subject: string; message: string; attributes: Record<string, { DataType: string; StringValue: string }> }): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.message, MessageAttributes: message.attributes }));
}
