import { Channel } from '../domain/plan';
import { SendOutcome } from '../domain/retry';
import { RenderedMessage } from '../domain/templates';
import { Recipient } from '../infrastructure/delivery-store';

export interface OutgoingMessage {
  /** The delivery's id: the same on every attempt, so a gateway can drop a repeat. */
  messageId: string;
  personId: string;
  /** Phone (E.164), e-mail address or app account id. */
  to: string;
  message: RenderedMessage;
}

/** One channel over its real protocol. Disabled (no URL configured): nothing is planned for it. */
export interface ChannelSender {
  readonly channel: Channel;
  readonly enabled: boolean;
  /** Where this person is reached by this channel now; null = not reachable by it. */
  addressOf(personId: string, r: Recipient): string | null;
  send(m: OutgoingMessage): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** Tokens for the three senders. */
export const SMS_SENDER = Symbol('SMS_SENDER');
export const EMAIL_SENDER = Symbol('EMAIL_SENDER');
export const APP_SENDER = Symbol('APP_SENDER');
