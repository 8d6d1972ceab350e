import { InitialSchema1795811866813 } from './1795811866813-initial-schema';

/** Postgres migrations, oldest first. New ones come from scripts/generate-migration.js. */
export const MIGRATIONS = [InitialSchema1795811866813];
