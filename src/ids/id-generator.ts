import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { NodeIdLease } from './node-id-lease';
import { SnowflakeGenerator } from './snowflake';

/** How long an id waits for a node id lease that is being confirmed or retaken before the call fails. */
const LEASE_WAIT_MS = 5_000;

/** Hands out message ids for this process, stamped with the node id it currently holds a lease on. */
@Injectable()
export class IdGenerator {
  private generator?: SnowflakeGenerator;
  private generatorNode = -1;

  constructor(private readonly lease: NodeIdLease) {}

  /** The next id; waits briefly (not fails) while the lease is being confirmed or retaken. */
  async next(): Promise<string> {
    const nodeId =
      this.lease.current() ??
      (await this.lease.usable(LEASE_WAIT_MS).catch(() => {
        throw new AppError('unavailable', 'message ids are unavailable: no node id lease');
      }));
    if (!this.generator || this.generatorNode !== nodeId) {
      this.generator = new SnowflakeGenerator(nodeId);
      this.generatorNode = nodeId;
    }
    return this.generator.next().toString();
  }
}
