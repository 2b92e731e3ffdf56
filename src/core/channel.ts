/**
 * Publishing: what goes out (a Message) and where it goes (a Channel). Renderers (src/render) make
 * messages from decisions and digests; a channel (an SNS topic, src/adapters/aws/sns.ts) delivers
 * what it is given and never chooses a format; the Lambdas compose the two (src/lambda/channels.ts).
 */

/** A message attribute, for subscription filter policies (`Number`: `numeric` filters). */
export interface MessageAttribute {
  DataType: 'String' | 'String.Array' | 'Number';
  StringValue: string;
}

export interface Message {
  /** One line for email inboxes: ASCII, under 100 characters (SNS refuses anything else). */
  subject: string;
  /** The body, in the channel's format: a JSON document or a Chatbot notification (SNS's `Message`). */
  message: string;
  /** What subscription filter policies match on; never an empty value. */
  attributes: Record<string, MessageAttribute>;
}

/** Somewhere messages are published: one topic, say. Delivers each message as given. */
export interface Channel {
  /** Stable name (`topic`, `chatbot`): the decision ledger records which channels an alert went to. */
  readonly name: string;
  /** Where it delivers (a topic ARN), for logs and results. */
  readonly destination: string;
  send(message: Message): Promise<void>;
}
