import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../config/app-config';

/**
 * This process's public URL: PUBLIC_URL, else the address the HTTP server actually listens on (PORT may be
 * 0 in tests). A wildcard address becomes loopback, which only suits one machine: set PUBLIC_URL otherwise.
 */
@Injectable()
export class SelfUrl {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Undefined until the server listens (when PUBLIC_URL is not set). */
  get(): string | undefined {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/+$/, '');
    if (!this.adapterHost.listening) return undefined;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as {
      address(): AddressInfo | string | null;
    };
    const address = server?.address();
    if (!address || typeof address === 'string') return undefined;
    return `http://${hostFor(address)}:${address.port}`;
  }
}

function hostFor({ address, family }: AddressInfo): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '127.0.0.1'; // Node's '::' listens on both stacks
  return family === 'IPv6' ? `[${address}]` : address;
}

/** A stable node id from the public URL: unique while URLs are, and the same after a restart. */
export function nodeIdFor(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const path = u.pathname.replace(/\/+$/, '');
  return `chat-${u.hostname.replace(/^\[|\]$/g, '')}-${port}${path}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}
