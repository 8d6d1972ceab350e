/**
 * Where a device keeps its cursor (the highest change id it has processed, DESIGN.md section 6b) between
 * runs. `key` names the user and the device, so one store may serve several accounts.
 */
export interface CursorStore {
  get(key: string): string | undefined | Promise<string | undefined>;
  set(key: string, cursor: string): void | Promise<void>;
  delete?(key: string): void | Promise<void>;
}

/** Keeps cursors for the life of the process: a new process syncs from the start (or from what it is given). */
export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, string>();
  get(key: string): string | undefined {
    return this.cursors.get(key);
  }
  set(key: string, cursor: string): void {
    this.cursors.set(key, cursor);
  }
  delete(key: string): void {
    this.cursors.delete(key);
  }
}

/** The part of the Web Storage API the cursor store uses (localStorage, sessionStorage, or a stand-in). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Keeps cursors in a browser's localStorage (or any Web Storage), so a reload catches up from where it was. */
export class LocalStorageCursorStore implements CursorStore {
  constructor(
    private readonly storage: KeyValueStorage = (globalThis as unknown as { localStorage: KeyValueStorage })
      .localStorage,
    private readonly prefix = 'chat-cursor:',
  ) {}
  get(key: string): string | undefined {
    return this.storage.getItem(this.prefix + key) ?? undefined;
  }
  set(key: string, cursor: string): void {
    this.storage.setItem(this.prefix + key, cursor);
  }
  delete(key: string): void {
    this.storage.removeItem(this.prefix + key);
  }
}
