import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import pretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';
import { AppLogger } from './app-logger';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Human lines: `LOG_FORMAT=pretty`, or `auto` (the default) with stdout a terminal. */
export function wantsHumanLogs(config: Pick<AppConfig, 'logFormat'>): boolean {
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
}

/**
 * Logs with a request id; tokens, passwords and message text are never logged. JSON lines by default (what a
 * container's log collector wants); human lines on a terminal (`LOG_FORMAT=auto`, the default, picks pretty
 * when stdout is a TTY).
 */
@Module({})
export class AppLoggerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const options = httpLogOptions(config);
    const humanLines = wantsHumanLogs(config);
    return {
      module: AppLoggerModule,
      imports: [
        LoggerModule.forRoot({
          // Every route, in path-to-regexp 8 syntax: nestjs-pino's default ('*') under the global prefix made
          // Nest warn at each start that it had to convert the legacy wildcard "/api/*".
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: humanLines
            ? [
                options,
                pretty({
                  colorize: process.stdout.isTTY === true,
                  translateTime: 'SYS:HH:MM:ss.l',
                  ignore: 'pid,hostname,roles,req,res,responseTime,context',
                  messageFormat:
                    '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime} ms{end}',
                  sync: true,
                }),
              ]
            : options,
        }),
      ],
      providers: [AppLogger],
      exports: [AppLogger],
    };
  }
}

function httpLogOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    base: { roles: [...config.roles].join(',') },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'],
      remove: true,
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url?.split('?')[0],
      }),
    },
    // 503 is a store or dependency down, logged once per outage where it is tracked: not an error each.
    customLogLevel: (_req, res, err) =>
      err || (res.statusCode >= 500 && res.statusCode !== 503)
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : 'info',
    autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
  };
}
