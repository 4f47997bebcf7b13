/**
 * Hooks for counting what flows through the messaging layer (metrics). The default counts
 * nothing; a service binds its own implementation to the MessagingObserver class token.
 */
export class MessagingObserver {
  consumed(_topic: string, _type: string, _count: number): void {}
  produced(_topic: string, _count: number): void {}
  deadLettered(_topic: string, _reason: string): void {}
}
