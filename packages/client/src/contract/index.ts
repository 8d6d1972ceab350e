/**
 * The client contract (DESIGN.md sections 6, 6b and 7) as types, shared by the server and the typed client.
 * It imports nothing: the single source for both (the server re-exports it from src/contract).
 */
export * from './admin';
export * from './errors';
export * from './event-names';
export * from './messages';
export * from './rest';
export * from './socket-events';
