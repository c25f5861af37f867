import type { FileHandle as NodeFileHandle } from "node:fs/promises";
import * as nodeFs from "node:fs/promises";

/**
 * The subset of promise-fs the engine uses. Durability is explicit: data is
 * on disk only after `FileHandle.sync()`, and a rename or a new file is
 * durable only after the parent directory is synced (`syncDirectory`).
 * The chaos fault filesystem implements the same shape over memfs.
 */
export interface FileHandle {
  /** Writes all of `data` at `position` (or the current offset). */
  write(data: Uint8Array, position?: number): Promise<{ bytesWritten: number }>;
  /** fsync(2). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  /** Identity of the file at the path: a rename over it or a re-created file changes it. */
  ino: number;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface FileSystemStat {
  /** Bytes available to an unprivileged user. */
  availableBytes: number;
  totalBytes: number;
}

export interface FileSystem {
  /** `flags` as in fs.open: "r", "w", "wx", "a", "r+". */
  open(path: string, flags: string, mode?: number): Promise<FileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<FileStat>;
  truncate(path: string, length: number): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  /** fsync(2) on a directory, making renames and new entries in it durable. */
  syncDirectory(path: string): Promise<void>;
  /** Free space on the filesystem holding `path` (statfs(2)). */
  statfs(path: string): Promise<FileSystemStat>;
}

/** Writes every byte, looping on short writes (a single write may be partial). */
export async function writeAll(
  handle: FileHandle,
  data: Uint8Array,
  position?: number,
): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const chunk = data.subarray(offset);
    const { bytesWritten } = await handle.write(
      chunk,
      position === undefined ? undefined : position + offset,
    );
    if (bytesWritten <= 0) {
      throw new Error(`write made no progress after ${offset} of ${data.length} bytes`);
    }
    offset += bytesWritten;
  }
}

function wrapHandle(handle: NodeFileHandle): FileHandle {
  return {
    write: async (data, position) => {
      const { bytesWritten } = await handle.write(data, 0, data.length, position ?? null);
      return { bytesWritten };
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

/** The real disk. */
export const nodeFileSystem: FileSystem = {
  open: async (path, flags, mode) => wrapHandle(await nodeFs.open(path, flags, mode)),
  readFile: async (path) => new Uint8Array(await nodeFs.readFile(path)),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  mkdir: async (path, options) => {
    await nodeFs.mkdir(path, options);
  },
  readdir: (path) => nodeFs.readdir(path),
  stat: (path) => nodeFs.stat(path),
  truncate: (path, length) => nodeFs.truncate(path, length),
  rm: (path, options) => nodeFs.rm(path, options),
  syncDirectory: async (path) => {
    const handle = await nodeFs.open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  statfs: async (path) => {
    const s = await nodeFs.statfs(path);
    return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  },
};
