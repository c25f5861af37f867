/**
 * Core's `FileSystem` port, restated by shape: chaos never imports core, and
 * TypeScript's structural typing lets a `FaultFileSystem` be passed wherever
 * core asks for a `FileSystem`. Keep in step with
 * `packages/core/src/ports/file-system.ts` (the core tests that drive the run
 * store through this filesystem fail to compile if the two drift apart).
 */
export interface FileHandle {
  /** Writes `data` at `position` (or the current offset); may write fewer bytes (a short write). */
  write(data: Uint8Array, position?: number): Promise<{ bytesWritten: number }>;
  /** fsync(2): makes this file's written bytes durable. */
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
  /** fsync(2) on a directory: makes creates, renames and unlinks in it durable. */
  syncDirectory(path: string): Promise<void>;
  /** Free space on the filesystem holding `path` (statfs(2)). */
  statfs(path: string): Promise<FileSystemStat>;
}
