import { Public } from '../common/public.decorator';
import { Controller, Get } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Readiness } from '../common/readiness';

@ApiExcludeController()
@SkipThrottle()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: Readiness,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every store this role uses answers; 503 otherwise, and 503 from the moment the process begins to stop. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const since = this.readiness.stoppedAt;
    if (since) throw new AppError('unavailable', `shutting down since ${since.toISOString()}`);
    return this.health.check(
      this.readiness.entries().map(
        ([name, fn]) =>
          () =>
            this.indicators.check(name).attempt(fn).withTimeout(2000),
      ),
    );
  }
}
