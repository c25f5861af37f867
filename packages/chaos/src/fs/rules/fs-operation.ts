/** The filesystem calls a fault rule can target: one per method of the port (and of its handles). */
export const FsOperation = {
  Open: "open",
  Write: "write",
  Sync: "sync",
  Close: "close",
  ReadFile: "readFile",
  Rename: "rename",
  Unlink: "unlink",
  Mkdir: "mkdir",
  Readdir: "readdir",
  Stat: "stat",
  Truncate: "truncate",
  Rm: "rm",
  SyncDirectory: "syncDirectory",
  Statfs: "statfs",
} as const;
export type FsOperation = (typeof FsOperation)[keyof typeof FsOperation];

export const FS_OPERATIONS: readonly FsOperation[] = Object.values(FsOperation);
