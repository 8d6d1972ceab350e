import { InitialSchema1795811866813 } from './1795811866813-initial-schema';
import { Groups1795813440497 } from './1795813440497-groups';

/** Postgres migrations, oldest first. New ones come from scripts/generate-migration.js. */
export const MIGRATIONS = [InitialSchema1795811866813, Groups1795813440497];
