/** The part of better-sqlite3's connection the upgrades use. */
export interface RawSqlite {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  exec(sql: string): unknown;
  transaction(fn: () => void): () => void;
}

/**
 * Changes to the embedded file that `synchronize` cannot make without losing rows: it rebuilds a changed table
 * and copies only the columns whose names are unchanged, so a renamed key column comes back empty (and the
 * rebuild fails). Each upgrade runs on the raw connection before synchronize, when the file still has the
 * layout it upgrades from, in one transaction; synchronize then finds the tables as the entities describe them.
 */
export function upgradeEmbeddedFile(db: RawSqlite): void {
  const columns = (table: string) =>
    (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);

  // The change log (issue 17): inbox rows keyed by change id, without their copy of the message. A legacy row's
  // message id is its `new` entry's change id; its kind and referenced message id stay null (read as such).
  // Plain ALTERs: a rename and added columns touch no row; each dropped column is cut out of every row.
  if (columns('inbox_by_user').includes('content')) {
    db.transaction(() => {
      db.exec(`
        ALTER TABLE inbox_by_user RENAME COLUMN message_id TO change_id;
        ALTER TABLE inbox_by_user ADD COLUMN kind varchar(8);
        ALTER TABLE inbox_by_user ADD COLUMN message_id varchar(20);
        ALTER TABLE inbox_by_user DROP COLUMN sender_id;
        ALTER TABLE inbox_by_user DROP COLUMN content;
        ALTER TABLE inbox_by_user DROP COLUMN client_msg_id;
        ALTER TABLE inbox_by_user DROP COLUMN created_at;
      `);
      if (!columns('messages_by_channel').includes('reacted')) {
        db.exec(`
          ALTER TABLE messages_by_channel ADD COLUMN edited_at bigint;
          ALTER TABLE messages_by_channel ADD COLUMN deleted_at bigint;
          ALTER TABLE messages_by_channel ADD COLUMN reacted boolean NOT NULL DEFAULT (0);
        `);
      }
    })();
  }
}
