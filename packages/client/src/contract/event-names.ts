import type { ClientEventName, ServerEventName } from './socket-events';

/** Every event a client may emit, at run time (the type makes a missing or unknown one a compile error). */
export const CLIENT_EVENT_NAMES: Readonly<Record<ClientEventName, true>> = {
  'message:send': true,
  sync: true,
  'presence:heartbeat': true,
  'message:edit': true,
  'message:delete': true,
  'reaction:add': true,
  'reaction:remove': true,
  typing: true,
  read: true,
};

/** Every event the server emits, at run time. */
export const SERVER_EVENT_NAMES: Readonly<Record<ServerEventName, true>> = {
  'message:new': true,
  'message:updated': true,
  'presence:update': true,
  'server:draining': true,
  'sync:required': true,
  'system:announcement': true,
  typing: true,
  read: true,
};
