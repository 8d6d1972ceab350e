import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mountDashboards } from './admin/dashboards';
import { AppModule } from './app.module';
import { ChatIoAdapter } from './chat-gateway/chat-io.adapter';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AppLogger } from './common/app-logger';
import { rawJsonProblem } from './common/json-edge';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig, describeTopology } from './config/app-config';
import { httpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';
import { serveWebClient } from './web/serve-web-client';

/** Builds and starts the app for the roles in `config`; used by main.ts and by the e2e tests. */
/** `abortOnError: false` makes a start-up failure throw instead of exiting (tests boot many apps in one process). */
export async function bootstrap(
  config: AppConfig,
  opts: { abortOnError?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoles(config), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: opts.abortOnError ?? true,
  });
  app.useLogger(app.get(AppLogger));
  // The one place that says which adapters run here (AppConfig.topology); every module bound on the same.
  app
    .get(AppLogger)
    .log(`roles=${[...config.roles].join(',')} ${describeTopology(config.topology)}`, 'Topology');
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(securityHeaders(config));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Nest's types leave `verify` out because it uses it for `rawBody: true`, which this app does not set.
  const json = { limit: '1mb', verify: verifyJsonBody };
  app.useBodyParser('json', json);
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableCors({ origin: config.corsOrigins.length ? [...config.corsOrigins] : false });
  if (config.hasRole('api')) {
    const doc = new DocumentBuilder()
      .setTitle('Chat server')
      .setDescription('REST part of the client contract. Real-time messaging is Socket.IO on a chat node.')
      .addBearerAuth()
      .build();
    // Operation ids are the handler names (unique across controllers; the OpenAPI test checks it).
    const options = { operationIdFactory: (_controller: string, method: string) => method };
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc, options));
    serveWebClient(app);
  }
  // Bull Board for admins, before Nest's routes (and its 404) are laid at listen.
  if (config.hasRole('api')) mountDashboards(app);
  if (config.hasRole('chat')) app.useWebSocketAdapter(new ChatIoAdapter(app, config));
  // Only the stop signals. Nest's default list includes SIGUSR2, SIGHUP and SIGQUIT, so Node's own
  // --heapsnapshot-signal=SIGUSR2 (a heap snapshot of a live node) would shut the node down.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  return app;
}

/**
 * body-parser's `verify` hook: runs on the raw bytes before JSON.parse, so a body nested thousands deep is a
 * 400 here instead of a stack overflow in class-transformer. The error's status and message are what the
 * exception filter answers (an AppError would not do: body-parser writes `status` on the error it gets).
 */
function verifyJsonBody(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  // The scan reads UTF-8; JSON is UTF-8 on the wire (RFC 8259), other charsets are refused.
  const problem = /^utf-?8$/i.test(encoding) ? rawJsonProblem(buf) : 'JSON bodies must be UTF-8';
  if (problem) throw Object.assign(new Error(problem), { status: 400 });
}
