#!/usr/bin/env node
// Writes a Postgres migration with the SQL that brings a database migrated to the current head up to the
// entities. Usage: npm run build && DATABASE_URL=postgres://... node scripts/generate-migration.js add-groups
// Then add the class to src/database/migrations/index.ts.
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { DataSource } = require('typeorm');
const { ENTITIES } = require('../dist/entities');
const { MIGRATIONS } = require('../dist/database/migrations');

async function main() {
  const name = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!name || !/^[a-z0-9-]+$/.test(name) || !url) {
    console.error('usage: DATABASE_URL=postgres://... node scripts/generate-migration.js <kebab-name>');
    process.exit(2);
  }
  const ds = new DataSource({ type: 'postgres', url, entities: ENTITIES, migrations: MIGRATIONS, migrationsTransactionMode: 'each' });
  await ds.initialize();
  await ds.runMigrations();
  const sql = await ds.driver.createSchemaBuilder().log();
  await ds.destroy();
  if (!sql.upQueries.length) {
    console.log('schema is up to date; nothing to write');
    return;
  }
  const ts = Date.now();
  const cls = name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c) => c.toUpperCase()) + ts;
  const q = (list) => list.map((x) => `    await q.query(${JSON.stringify(x.query)});`).join('\n');
  const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${q(sql.upQueries)}
  }

  async down(q: QueryRunner): Promise<void> {
${q(sql.downQueries.reverse())}
  }
}
`;
  const file = join(__dirname, '..', 'src', 'database', 'migrations', `${ts}-${name}.ts`);
  writeFileSync(file, body);
  console.log(`wrote ${file}; add ${cls} to src/database/migrations/index.ts`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
