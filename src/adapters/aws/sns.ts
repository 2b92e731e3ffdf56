// An SNS topic as a channel: it publishes each message as given (subject, body, attributes). The
// format is chosen by whoever composes the channel with a renderer (src/lambda/channels.ts).
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Channel, Message } from '../../core/channel.js';

/** The channel `name` that publishes to `topicArn`. */
export function snsTopic(client: SNSClient, name: string, topicArn: string): Channel {
  return {
    name,
    destination: topicArn,
    async send(message: Message) {
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.message, MessageAttributes: message.attributes }));
    },
  };
}
