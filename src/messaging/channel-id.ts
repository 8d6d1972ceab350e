import { AppError } from '../common/app-error';

export type ParsedChannel = { type: 'dm'; userA: string; userB: string } | { type: 'group'; groupId: string };

/** The DM channel of two users: `dm:<min>:<max>`, the same id whoever writes first. */
export function dmChannelId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

const DM = /^dm:([^:]{1,36}):([^:]{1,36})$/;
const GROUP = /^[A-Za-z0-9-]{1,64}$/;

export function parseChannelId(id: string): ParsedChannel {
  const dm = DM.exec(id);
  if (dm) {
    if (dm[1] >= dm[2]) throw AppError.notFound('channel not found');
    return { type: 'dm', userA: dm[1], userB: dm[2] };
  }
  if (GROUP.test(id)) return { type: 'group', groupId: id };
  throw AppError.notFound('channel not found');
}
