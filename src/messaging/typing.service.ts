import { Injectable } from '@nestjs/common';
import { GroupsRepository } from '../groups/groups.repository';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import { RedisService } from '../redis/redis.service';
import { ChannelAccess } from './channel-access';
import { parseChannelId } from './channel-id';

/** A repeat of the same user's typing in the same channel within this long is acked and not re-emitted. */
export const TYPING_REPEAT_MS = 2_000;

/**
 * Whether a user's typing in a channel may be emitted now: at most once per TYPING_REPEAT_MS, across every
 * chat node when distributed (Redis `SET NX PX`), in process memory when embedded.
 */
export abstract class TypingGate {
  abstract admit(userId: string, channelId: string): Promise<boolean>;
}

@Injectable()
export class InMemoryTypingGate extends TypingGate {
  private readonly until = new Map<string, number>();

  async admit(userId: string, channelId: string, now = Date.now()): Promise<boolean> {
    const key = `${userId}\u0000${channelId}`;
    if ((this.until.get(key) ?? 0) > now) return false;
    if (this.until.size > 100_000) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    this.until.set(key, now + TYPING_REPEAT_MS);
    return true;
  }
}

export class RedisTypingGate extends TypingGate {
  constructor(private readonly redis: RedisService) {
    super();
  }

  async admit(userId: string, channelId: string): Promise<boolean> {
    const set = await this.redis.client.set(
      `typing:${userId}:${channelId}`,
      '1',
      'PX',
      TYPING_REPEAT_MS,
      'NX',
    );
    return set === 'OK';
  }
}

/**
 * Typing (DESIGN.md section 6b): ephemeral, never stored, never in sync. `typing {channelId, userId}` goes to
 * the devices of the channel's other members only (their user rooms, through the same cross-node path as
 * messages), so its cost follows the channel's size, not the number of connected users.
 */
@Injectable()
export class TypingService {
  constructor(
    private readonly access: ChannelAccess,
    private readonly groups: GroupsRepository,
    private readonly gate: TypingGate,
    private readonly realtime: RealtimeEmitter,
    private readonly metrics: MetricsService,
  ) {}

  /** Emits the user's typing to the channel's other members, unless they typed there within 2 s. */
  async typing(userId: string, channelId: string): Promise<void> {
    const channel = await this.access.forMember(userId, channelId);
    if (!(await this.gate.admit(userId, channelId))) {
      this.metrics.typingEvents.inc({ outcome: 'repeat' });
      return;
    }
    const parsed = parseChannelId(channelId);
    const members =
      channel.memberIds ??
      (parsed.type === 'group' ? (await this.groups.memberIds(parsed.groupId)).map((m) => m.userId) : []);
    const others = members.filter((m) => m !== userId);
    if (others.length) this.realtime.emit(others.map(userRoom), 'typing', { channelId, userId });
    this.metrics.typingEvents.inc({ outcome: 'emitted' });
  }
}
