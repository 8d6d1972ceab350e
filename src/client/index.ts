export * from './types';
export * from './http-client';
export * from './socket-client';
