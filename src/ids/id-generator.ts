import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { NodeIdLease } from './node-id-lease';
import { SnowflakeGenerator } from './snowflake';

/** Hands out message ids for this process, stamped with the node id it currently holds a lease on. */
@Injectable()
export class IdGenerator {
  private generator?: SnowflakeGenerator;
  private generatorNode = -1;

  constructor(private readonly lease: NodeIdLease) {}

  next(): string {
    const nodeId = this.lease.current();
    if (nodeId === undefined)
      throw new AppError('unavailable', 'message ids are unavailable: node id lease lost');
    if (!this.generator || this.generatorNode !== nodeId) {
      this.generator = new SnowflakeGenerator(nodeId);
      this.generatorNode = nodeId;
    }
    return this.generator.next().toString();
  }
}
