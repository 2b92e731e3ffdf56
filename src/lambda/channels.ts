/**
 * Where both Lambdas publish: the alert topics of the settings, each a channel with the format its
 * readers expect. The main topic (`topic`) carries ECS_ADMISSION_ALERT_FORMAT, the optional second
 * one (`chatbot`) the AWS Chatbot format, so email and Slack can both be served from one
 * deployment. The admission Lambda sends decisions through them (alertSink), the sweep its digest.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AlertSink } from '../admission/ports.js';
import { snsTopic } from '../adapters/aws/sns.js';
import type { Channel } from '../core/channel.js';
import { buildAlert, type AlertFormat } from '../render/alert/index.js';
import { policyProblemMessage } from '../render/policy-problem.js';
import type { BadPolicyVersion } from '../policy/bundle-versions.js';
import type { LambdaConfig } from './config.js';

/** A channel and the format of what is sent through it. */
export interface Route {
  channel: Channel;
  format: AlertFormat;
}

/** Opens the channel `name` to a topic (SNS in the Lambdas, a fake in tests). */
export type OpenTopic = (name: string, topicArn: string) => Channel;

/** The settings' topics, in the order they are published to; each only when its topic is set. */
export function topicRoutes(config: Pick<LambdaConfig, 'topicArn' | 'chatbotTopicArn' | 'alertFormat'>, open: OpenTopic): Route[] {
  const routes: Route[] = [];
  if (config.topicArn) routes.push({ channel: open('topic', config.topicArn), format: config.alertFormat });
  if (config.chatbotTopicArn) routes.push({ channel: open('chatbot', config.chatbotTopicArn), format: 'chatbot' });
  return routes;
}

/** Decisions through the routes, each rendered in its route's format; the channels' names are the sink's. */
export function alertSink(routes: readonly Route[]): AlertSink {
  const byName = new Map(routes.map((route) => [route.channel.name, route]));
  return {
    channels: routes.map((route) => route.channel.name),
    async publish(decision, name) {
      const route = byName.get(name);
      if (!route) throw new Error(`no alert channel "${name}" (channels: ${[...byName.keys()].join(', ') || 'none'})`);
      await route.channel.send(buildAlert(decision, route.format));
    },
  };
}

/** A policy version that does not load, through every route (one alert per bad version: the loader says it once). */
export function policyProblemSink(routes: readonly Route[]): (problem: BadPolicyVersion) => Promise<void> {
  return async (problem) => {
    await Promise.all(routes.map((route) => route.channel.send(policyProblemMessage(problem, route.format))));
  };
}

/** The settings' topics as SNS channels. */
export const snsRoutes = (config: Pick<LambdaConfig, 'topicArn' | 'chatbotTopicArn' | 'alertFormat'>, client: SNSClient): Route[] =>
  topicRoutes(config, (name, topicArn) => snsTopic(client, name, topicArn));
