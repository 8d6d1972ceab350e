/**
 * The client contract's wire types (DESIGN.md sections 6, 6b and 7). Their single source is the client
 * package (packages/client/src/contract), so the server and every client compile against the same file; the
 * server's folders import them from here, the lowest layer of src/.
 */
export * from '@chat-server/client/contract';
