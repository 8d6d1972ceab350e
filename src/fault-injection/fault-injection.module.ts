import { DynamicModule, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { GroupsRepository } from '../groups/groups.repository';
import { GroupFanoutService } from '../messaging/group-fanout.service';
import { HistoryStore } from '../messaging/history/history.store';
import { SendStore } from '../messaging/send-store/send-store';
import { DropAfterWriteSendStore } from './drop-after-write.send-store';
import { FaultyGroupFanout } from './faulty-group-fanout';

const REAL_SEND_STORE = Symbol('real SendStore');
const REAL_GROUP_FANOUT = Symbol('real GroupFanoutService');

function provides(p: Provider, token: unknown): boolean {
  return p === token || (typeof p === 'object' && 'provide' in p && p.provide === token);
}

/**
 * Fault injection for the e2e and fault tests (faults.ts), loaded only when CHAT_TEST_HOOKS=1: the messaging
 * module as built for the topology, with its SendStore and GroupFanoutService re-provided behind the faults.
 * The send path itself carries no test branch.
 */
export class FaultInjectionModule {
  static wrapping(messaging: DynamicModule): DynamicModule {
    const replaced = new Set<unknown>();
    const providers = (messaging.providers ?? []).flatMap((p): Provider[] => {
      if (provides(p, SendStore)) {
        replaced.add(SendStore);
        return [
          { ...(p as object), provide: REAL_SEND_STORE } as Provider,
          {
            provide: SendStore,
            inject: [REAL_SEND_STORE],
            useFactory: (real: SendStore) => new DropAfterWriteSendStore(real),
          },
        ];
      }
      if (provides(p, GroupFanoutService)) {
        replaced.add(GroupFanoutService);
        return [
          { provide: REAL_GROUP_FANOUT, useClass: GroupFanoutService },
          {
            provide: GroupFanoutService,
            inject: [REAL_GROUP_FANOUT, GroupsRepository, HistoryStore, AppConfig],
            useFactory: (
              real: GroupFanoutService,
              groups: GroupsRepository,
              history: HistoryStore,
              c: AppConfig,
            ) => new FaultyGroupFanout(real, groups, history, c.jobs.attempts),
          },
        ];
      }
      return [p];
    });
    if (replaced.size !== 2)
      throw new Error('FaultInjectionModule: the messaging module no longer provides the faulted services');
    return { ...messaging, providers };
  }
}
