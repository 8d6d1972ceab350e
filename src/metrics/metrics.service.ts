import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';

/** The version of package.json, next to dist/ in a build and to src/ under the tests. */
const BUILD_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** One registry per process; every role exposes it at /metrics. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly connections: Gauge;
  readonly messagesSent: Counter<'channel_type'>;
  readonly sendToAck: Histogram;
  readonly socketErrors: Counter<'event' | 'code'>;
  readonly messagesDelivered: Counter<'channel_type'>;
  readonly messageChanges: Counter<'kind'>;
  readonly typingEvents: Counter<'outcome'>;
  readonly readMarkers: Counter<'outcome'>;
  readonly receiptsEmitted: Counter<'channel_type'>;
  readonly jobDuration: Histogram<'queue' | 'outcome'>;

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ roles: [...config.roles].join(',') });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'chat_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'chat_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'chat_build_info',
      help: 'Always 1; the labels say which build and Node this process runs',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: BUILD_VERSION, node: process.version }, 1);
    this.connections = new Gauge({
      name: 'chat_socket_connections',
      help: 'Live Socket.IO connections on this node',
      registers: [this.registry],
    });
    this.messagesSent = new Counter({
      name: 'chat_messages_sent_total',
      help: 'Messages stored and acked',
      labelNames: ['channel_type'],
      registers: [this.registry],
    });
    this.sendToAck = new Histogram({
      name: 'chat_send_to_ack_seconds',
      help: 'Time from receiving message:send to its ack',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.messagesDelivered = new Counter({
      name: 'chat_messages_delivered_total',
      help: 'message:new deliveries published, one per recipient user (each reaches all their devices)',
      labelNames: ['channel_type'],
      registers: [this.registry],
    });
    this.messageChanges = new Counter({
      name: 'chat_message_changes_total',
      help: 'Edits, deletes and reaction changes that changed a message (a retry that changes nothing is left out)',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.typingEvents = new Counter({
      name: 'chat_typing_events_total',
      help: 'Typing signals by outcome: emitted to the other members, or a repeat within 2 s (acked, not emitted)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.readMarkers = new Counter({
      name: 'chat_read_markers_total',
      help: 'Read calls by outcome: moved (the marker went forward) or kept (at or past the message already)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.receiptsEmitted = new Counter({
      name: 'chat_receipts_emitted_total',
      help: 'Read receipts emitted (one per moved marker, to every device of every member), by channel type',
      labelNames: ['channel_type'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'chat_job_duration_seconds',
      help: 'Queue job runs by queue and outcome (ok, failed: a failed run is retried until its attempts are used)',
      labelNames: ['queue', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.socketErrors = new Counter({
      name: 'chat_socket_errors_total',
      help: 'Socket.IO events answered with an error',
      labelNames: ['event', 'code'],
      registers: [this.registry],
    });
  }

  /** Wraps a job processor so each run is timed and counted by outcome. */
  timed<A extends unknown[]>(
    queue: string,
    fn: (...args: A) => Promise<void>,
  ): (...args: A) => Promise<void> {
    return async (...args: A) => {
      const end = this.jobDuration.startTimer({ queue });
      try {
        await fn(...args);
        end({ outcome: 'ok' });
      } catch (e) {
        end({ outcome: 'failed' });
        throw e;
      }
    };
  }
}
