export * from './types';
export * from './http-client';
export * from './socket-client';
export * from './change-follower';
