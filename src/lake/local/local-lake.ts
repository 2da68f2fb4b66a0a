import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, FatalError } from '../../core/errors.js';
import { folderProblem } from '../../core/folder-problem.js';
import type { Lake, LakeObject, LakeOptions, LocalCopy } from '../lake.js';

const TMP_DIR = '_tmp';

/** A lake in a local folder (`file://PATH`). Writes go to a temporary file, are fsynced, then renamed. */
export class LocalLake implements Lake {
  readonly root: string;
  readonly options: LakeOptions = {};
  constructor(readonly uri: string) {
    this.root = fileURLToPath(uri);
  }

  /** Runs a file operation of the lake; a problem with the lake's folder says so, naming the setting. */
  async #guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw folderError(this.uri, error);
    }
  }

  #path(key: string): string {
    if (key === '' || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '')) {
      throw new FatalError(`invalid lake key "${key}"`);
    }
    return path.join(this.root, ...key.split('/'));
  }

  /** `body` in a new temporary file of the lake, synced to disk; returns its path. */
  async #synced(body: Uint8Array | string): Promise<string> {
    const tmp = await this.#tmpPath();
    await writeSynced(tmp, body, 'w');
    return tmp;
  }

  async #tmpPath(): Promise<string> {
    const dir = path.join(this.root, TMP_DIR);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    return this.#guard(async () => {
      const target = this.#path(key);
      const tmp = await this.#synced(body);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
    });
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    return this.#guard(async () => {
      const target = this.#path(key);
      const tmp = await this.#synced(body);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        // A hard link is made only where no file is: the whole object appears, or nothing does.
        await link(tmp, target);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return false;
        // A file system without hard links (exFAT, some network shares): an exclusive create.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
          return exclusiveWrite(target, body);
        }
        throw error;
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  async putFile(key: string, localPath: string): Promise<void> {
    return this.#guard(async () => {
      const target = this.#path(key);
      await mkdir(path.dirname(target), { recursive: true });
      const handle = await open(localPath, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(localPath, target);
    });
  }

  async copy(from: string, to: string): Promise<void> {
    return this.#guard(async () => {
      const tmp = await this.#tmpPath();
      await copyFile(this.#path(from), tmp);
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const target = this.#path(to);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
    });
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.#guard(async () => {
      try {
        return await readFile(this.#path(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    });
  }

  async list(prefix: string): Promise<LakeObject[]> {
    return this.#guard(async () => {
      const out: LakeObject[] = [];
      const slash = prefix.lastIndexOf('/');
      const baseKey = slash >= 0 ? prefix.slice(0, slash) : '';
      const start = baseKey === '' ? this.root : this.#path(baseKey);
      const walk = async (dir: string, keyPrefix: string): Promise<void> => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        for (const entry of entries) {
          const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
          if (key === TMP_DIR) continue;
          if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue;
          if (entry.isDirectory()) await walk(path.join(dir, entry.name), key);
          else if (entry.isFile() && key.startsWith(prefix))
            out.push({ key, size: (await stat(path.join(dir, entry.name))).size });
        }
      };
      await walk(start, baseKey);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }

  async delete(key: string): Promise<void> {
    return this.#guard(async () => {
      await rm(this.#path(key), { force: true });
    });
  }

  async localCopy(key: string): Promise<LocalCopy> {
    return this.#guard(async () => {
      const file = this.#path(key);
      await stat(file);
      return { path: file, release: async () => {} };
    });
  }

  async scratch(name: string): Promise<LocalCopy> {
    return this.#guard(async () => {
      const dir = path.join(this.root, TMP_DIR, `${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      return { path: dir, release: () => rm(dir, { recursive: true, force: true }) };
    });
  }
}

const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
};

/** A file-system error of the lake as a typed error: the setting to fix, or a full disk. */
function folderError(uri: string, error: unknown): unknown {
  const { code, syscall, path: at } = error as NodeJS.ErrnoException;
  const where = `${code}${syscall ? ` on ${syscall}` : ''}${at ? ` ${at}` : ''}`;
  const problem = folderProblem(error, 'the lake');
  if (problem) return new ConfigError('TWEETPIPE_LAKE', `${uri} cannot be used: ${problem} (${where})`);
  if (code && DISK_PROBLEMS[code])
    return new FatalError(
      `the lake ${uri} cannot be written: ${DISK_PROBLEMS[code]} (${where}); writes are atomic, so run again once there is room`,
      { cause: error },
    );
  return error;
}

/** Creates `file` with `body` unless it exists (false then), and syncs it. */
async function exclusiveWrite(file: string, body: Uint8Array | string): Promise<boolean> {
  try {
    await writeSynced(file, body, 'wx');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Writes `body` to `file` (opened with `flag`) and syncs it to disk. */
async function writeSynced(file: string, body: Uint8Array | string, flag: 'w' | 'wx'): Promise<void> {
  const handle = await open(file, flag);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
