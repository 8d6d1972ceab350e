import { nodeIdFor } from './self-url';

describe('nodeIdFor', () => {
  it('derives a stable id from the public URL, unique per host, port and path', () => {
    expect(nodeIdFor('http://127.0.0.1:41234')).toBe('chat-127.0.0.1-41234');
    expect(nodeIdFor('https://chat1.example.com/')).toBe('chat-chat1.example.com-443');
    expect(nodeIdFor('https://edge.example.com/chat/2')).toBe('chat-edge.example.com-443-chat-2');
    expect(nodeIdFor('http://[::1]:3000')).toBe('chat--1-3000');
  });
});
