/** The client contract's shapes (DESIGN.md section 6): the contract's own types, under the names this client has used. */
export * from './contract';
export type { Message as ChatMessage } from './contract';
