/**
 * The AWS Chatbot custom notification (Slack, Microsoft Teams), shared by alerts and digests:
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */

/** Limits of the Chatbot custom notification schema; a payload over them is not rendered at all. */
export const CHATBOT_LIMITS = { title: 250, description: 8000, nextStep: 350, nextSteps: 5, keyword: 75, keywords: 10 } as const;

/** The `chatbot` format of a message body. */
export interface ChatbotNotification<EventType extends string = 'ecs-admission.decision'> {
  version: '1.0';
  source: 'custom';
  id: string;
  content: { textType: 'client-markdown'; title: string; description: string; nextSteps: string[]; keywords: string[] };
  metadata: {
    threadId: string;
    summary: string;
    eventType: EventType;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

/** Slack mrkdwn treats `&`, `<` and `>` as control characters; text from resources must not form links or mentions. */
export const mrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Inline code cannot hold a backtick. */
export const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
/** A link whose label cannot close it (`|`) nor form markup. */
export const link = (url: string, label: string): string => `<${url}|${mrkdwn(label).replace(/\|/g, '/')}>`;
