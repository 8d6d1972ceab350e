/**
 * The client contract (DESIGN.md sections 6 and 7) as types, shared by the server and the typed client.
 * It imports nothing: a client can take this folder alone.
 */
export * from './errors';
export * from './event-names';
export * from './messages';
export * from './rest';
export * from './socket-events';
