import { InitialSchema1795811866813 } from './1795811866813-initial-schema';
import { Groups1795813440497 } from './1795813440497-groups';
import { Devices1795814301873 } from './1795814301873-devices';
import { AdminAudit1795814366689 } from './1795814366689-admin-audit';
import { SendDedupeSweepIndex1795829417141 } from './1795829417141-send-dedupe-sweep-index';
import { ChangeLog1796284142706 } from './1796284142706-change-log';
import { Conversations1796294764697 } from './1796294764697-conversations';

/** Postgres migrations, oldest first. New ones come from scripts/generate-migration.js. */
export const MIGRATIONS = [
  InitialSchema1795811866813,
  Groups1795813440497,
  Devices1795814301873,
  AdminAudit1795814366689,
  SendDedupeSweepIndex1795829417141,
  ChangeLog1796284142706,
  Conversations1796294764697,
];
