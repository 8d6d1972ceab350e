import { Injectable } from '@nestjs/common';
import { RedisService } from '../../redis/redis.service';
import { DEDUPE_TTL_MS, SendDedupe, SendRef } from './send-dedupe';

// SET NX, or return what is there: one round trip either way.
const CLAIM = `local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if ok then return ARGV[1] end
return redis.call('GET', KEYS[1])`;

@Injectable()
export class RedisSendDedupe extends SendDedupe {
  constructor(private readonly redis: RedisService) {
    super();
  }

  async claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef> {
    const key = `chat:dedupe:{${senderId}}:${clientMsgId}`;
    const held = (await this.redis.client.eval(
      CLAIM,
      1,
      key,
      JSON.stringify(candidate),
      String(DEDUPE_TTL_MS),
    )) as string | null;
    // A key that expired between SET and GET (vanishingly rare) leaves the candidate as the winner.
    return held ? (JSON.parse(held) as SendRef) : candidate;
  }
}
