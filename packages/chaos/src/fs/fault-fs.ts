import { posix } from "node:path";
import type { Volume } from "memfs";
import type { Clock } from "../clock/clock.js";
import { FaultLayer } from "../journal/fault-layer.js";
import { isJsonValue, type JsonObject, type JsonValue } from "../journal/json-value.js";
import { buildImage } from "./durability/crash-choice.js";
import { CRASH_MODES, type CrashMode, chooseCrash } from "./durability/crash-mode.js";
import { describeChoice } from "./durability/describe-choice.js";
import { type Image, reachable } from "./durability/image.js";
import { pendingOps } from "./durability/pending-ops.js";
import { imageFromVolume, volumeFromImage } from "./durability/volume-image.js";
import { type ErrnoError, errnoError } from "./errno-error.js";
import {
  assertClockForLatency,
  type FaultFileSystemOptions,
  resolveFaultFileSystemOptions,
} from "./fault-fs-options.js";
import type { FileHandle, FileStat, FileSystem, FileSystemStat } from "./file-system-shape.js";
import { bytesThatFit } from "./quota.js";
import { type FsErrno, isLatency } from "./rules/fs-fault.js";
import type { FsFaultRule } from "./rules/fs-fault-rule.js";
import { createFsFaultRules, parseFsFaultRules } from "./rules/fs-fault-rules.js";
import { FsOperation } from "./rules/fs-operation.js";
import { PathIds } from "./trace/path-ids.js";
import { describeOp, type Trace, type TraceMark, type TraceOp } from "./trace/trace-op.js";

/** What a crash left: the next process's disk. */
export interface CrashResult {
  /** The post-crash disk, as a fresh memfs volume. */
  readonly volume: Volume;
  /** A fault filesystem over that volume with the same options (its rules afresh). */
  readonly fs: FaultFileSystem;
  /** One line: where the crash happened, what was torn, what was lost. */
  readonly description: string;
}

/** What a crash right now could still lose. */
export interface PendingSummary {
  /** Files with writes or truncates no fsync has covered (their current paths, sorted). */
  files: string[];
  /** Directory operations no directory fsync has covered, oldest first. */
  directoryOperations: string[];
}

/**
 * Core's `FileSystem` port over a memfs volume, with seeded faults, a byte
 * quota, and a durability model: it records every state-changing call, so
 * it can say what a crash would lose (`pending`), produce the disk a crash
 * leaves (`crash`), and hand its trace to `enumerateCrashStates`.
 */
export interface FaultFileSystem extends FileSystem {
  readonly volume: Volume;
  /** Bytes of file contents stored now (what the quota counts). */
  readonly usedBytes: number;
  /** Puts rules in front of the current ones (runtime overrides, as msw's `use`). */
  use(...rules: FsFaultRule[]): void;
  /** Back to the initial rules, with every count cleared. */
  reset(): void;
  /**
   * Marks the trace between two calls, such as "record 3 acknowledged": a
   * crash-state checker learns which marks the crashed workload had reached.
   */
  mark(label: string, data?: JsonValue): void;
  /** Everything recorded so far: the durable starting image, the ops, the marks. */
  trace(): Trace;
  pending(): PendingSummary;
  /**
   * The disk a crash right now would leave (see `CrashMode`). This
   * filesystem is not changed; carry on with `result.fs`, as the next
   * process would. The crash is recorded in the fault journal.
   */
  crash(mode: CrashMode): CrashResult;
}

const OPEN_FLAGS = new Set([
  "r",
  "rs",
  "sr",
  "r+",
  "rs+",
  "sr+",
  "w",
  "wx",
  "xw",
  "w+",
  "wx+",
  "xw+",
  "a",
  "ax",
  "xa",
  "as",
  "sa",
  "a+",
  "ax+",
  "xa+",
  "as+",
  "sa+",
]);

/** Unlimited: statfs still reports finite numbers. */
const UNLIMITED_BYTES = Number.MAX_SAFE_INTEGER;

export function createFaultFileSystem(options: FaultFileSystemOptions): FaultFileSystem {
  const resolved = resolveFaultFileSystemOptions(options);
  const { random, journal, clock, quotaBytes, maxOpenFiles, volume } = resolved;
  const rules = createFsFaultRules(resolved.rules, random);
  const start = imageFromVolume(volume);
  const baseline: Image = start.image;
  const ids = new PathIds(start.ids, start.next);
  const ops: TraceOp[] = [];
  const marks: TraceMark[] = [];
  const mtimes = new Map<number, number>();
  let used = reachable(baseline).reduce(
    (sum, [, node]) => sum + (node.kind === "file" ? node.size : 0),
    0,
  );
  let openCount = 0;

  const record = (fault: string, target: string, outcome: string, detail: JsonObject) =>
    journal.record({ layer: FaultLayer.Fs, fault, target, outcome, detail });

  /** Applies the first rule that fires for this call: a delay, or a thrown errno. */
  const inject = async (operation: FsOperation, paths: readonly string[]): Promise<void> => {
    const selected = rules.select({ operation, paths });
    if (!selected) return;
    const target = paths.join(" -> ");
    if (isLatency(selected.fault)) {
      const { latencyMs } = selected.fault;
      record("latency", target, "delayed", { operation, by: selected.by, latencyMs });
      // Construction and `use` refuse latency rules without a clock.
      await (clock as Clock).sleep(latencyMs);
      return;
    }
    const error = nodeError(selected.fault, operation, paths);
    record(selected.fault, target, "thrown", {
      operation,
      by: selected.by,
      syscall: error.syscall,
    });
    throw error;
  };

  const available = () => Math.max(0, (quotaBytes ?? UNLIMITED_BYTES) - used);
  const touch = (ino: number) => {
    if (clock) mtimes.set(ino, clock.now());
  };
  const idOf = (path: string): number => {
    const ino = ids.get(path);
    if (ino === undefined) {
      throw new Error(
        `The fault filesystem has no record of ${path}: was its volume changed behind its back? Change the volume only through the fault filesystem once it is created.`,
      );
    }
    return ino;
  };
  const parentOf = (path: string) => idOf(posix.dirname(path));
  const fileSize = (path: string) => {
    const stat = volume.statSync(path);
    return stat.isFile() ? stat.size : 0;
  };

  const makeHandle = (fd: number, path: string, ino: number, flags: string): FileHandle => {
    const append = flags.includes("a");
    const readOnly = !(append || flags.includes("w") || flags.includes("+"));
    let position = 0;
    let closed = false;
    return {
      async write(data, at) {
        if (!(data instanceof Uint8Array)) {
          throw new TypeError("write(data, position?) needs data as a Uint8Array");
        }
        if (at !== undefined && !(Number.isSafeInteger(at) && at >= 0)) {
          throw new TypeError(`write: position must be an integer >= 0, got ${String(at)}`);
        }
        await inject(FsOperation.Write, [path]);
        if (closed || readOnly) throw errnoError("EBADF", "write");
        const size = volume.fstatSync(fd).size;
        const offset = append ? size : (at ?? position);
        const fit = bytesThatFit({ offset, length: data.length, size, available: available() });
        if (fit < data.length) {
          const detail = {
            operation: FsOperation.Write,
            by: "quota",
            requested: data.length,
            written: fit,
          };
          if (fit === 0) {
            record("ENOSPC", path, "thrown", { ...detail, syscall: "write" });
            throw errnoError("ENOSPC", "write");
          }
          // A real write(2) writes what fits and reports the count; ENOSPC
          // comes with the next write, as `writeAll`'s loop will find.
          record("ENOSPC", path, "short-write", detail);
        }
        if (fit === 0) return { bytesWritten: 0 };
        const bytesWritten = volume.writeSync(fd, data, 0, fit, offset);
        if (!append && at === undefined) position += bytesWritten;
        used += Math.max(0, offset + bytesWritten - size);
        ops.push({ kind: "write", ino, offset, data: data.slice(0, bytesWritten), path });
        touch(ino);
        return { bytesWritten };
      },
      async sync() {
        await inject(FsOperation.Sync, [path]);
        if (closed) throw errnoError("EBADF", "fsync");
        volume.fsyncSync(fd);
        ops.push({ kind: "fsync", ino, path });
      },
      async close() {
        if (closed) throw errnoError("EBADF", "close");
        try {
          await inject(FsOperation.Close, [path]);
        } finally {
          // close(2) releases the descriptor even when it reports an error.
          closed = true;
          openCount--;
          volume.closeSync(fd);
        }
      },
    };
  };

  const fs: FaultFileSystem = {
    volume,
    get usedBytes() {
      return used;
    },
    async open(rawPath, flags, mode) {
      const path = absolute(rawPath, "open");
      if (typeof flags !== "string" || !OPEN_FLAGS.has(flags)) {
        throw new TypeError(
          `open: flags must be one of ${[...OPEN_FLAGS].join(", ")}, got ${JSON.stringify(flags)}`,
        );
      }
      await inject(FsOperation.Open, [path]);
      if (maxOpenFiles !== undefined && openCount >= maxOpenFiles) {
        record("EMFILE", path, "thrown", {
          operation: FsOperation.Open,
          by: "maxOpenFiles",
          limit: maxOpenFiles,
          syscall: "open",
        });
        throw errnoError("EMFILE", "open", path);
      }
      const existed = volume.existsSync(path);
      const sizeBefore = existed ? fileSize(path) : 0;
      const fd = volume.openSync(path, flags, mode);
      openCount++;
      let ino: number;
      if (existed) {
        ino = idOf(path);
        if (flags.includes("w") && sizeBefore > 0) {
          ops.push({ kind: "truncate", ino, length: 0, path });
          used -= sizeBefore;
          touch(ino);
        }
      } else {
        const parent = parentOf(path);
        ino = ids.allocate(path);
        ops.push({ kind: "create", parent, name: posix.basename(path), ino, path });
        touch(ino);
      }
      return makeHandle(fd, path, ino, flags);
    },
    async readFile(rawPath) {
      const path = absolute(rawPath, "readFile");
      await inject(FsOperation.ReadFile, [path]);
      return new Uint8Array(volume.readFileSync(path) as Buffer);
    },
    async rename(rawFrom, rawTo) {
      const from = absolute(rawFrom, "rename");
      const to = absolute(rawTo, "rename");
      await inject(FsOperation.Rename, [from, to]);
      const moving = volume.existsSync(from);
      const replaced = moving && from !== to && volume.existsSync(to) ? subtreeBytes(to) : 0;
      // Errors (ENOENT, ENOTDIR, EISDIR, ENOTEMPTY …) come from memfs, shaped as Node's.
      volume.renameSync(from, to);
      if (from === to) return;
      ops.push({
        kind: "rename",
        fromParent: parentOf(from),
        fromName: posix.basename(from),
        toParent: parentOf(to),
        toName: posix.basename(to),
        ino: idOf(from),
        path: from,
        to,
      });
      ids.move(from, to);
      used -= replaced;
    },
    async unlink(rawPath) {
      const path = absolute(rawPath, "unlink");
      await inject(FsOperation.Unlink, [path]);
      const size = volume.existsSync(path) ? fileSize(path) : 0;
      volume.unlinkSync(path);
      ops.push({
        kind: "unlink",
        parent: parentOf(path),
        name: posix.basename(path),
        ino: idOf(path),
        path,
      });
      ids.remove(path);
      used -= size;
    },
    async mkdir(rawPath, options) {
      const path = absolute(rawPath, "mkdir");
      await inject(FsOperation.Mkdir, [path]);
      const recursive = options?.recursive === true;
      const missing: string[] = [];
      if (recursive) {
        for (let dir = path; !volume.existsSync(dir); dir = posix.dirname(dir))
          missing.unshift(dir);
      } else missing.push(path);
      volume.mkdirSync(path, { recursive });
      for (const dir of missing) {
        const parent = parentOf(dir);
        const ino = ids.allocate(dir);
        ops.push({ kind: "mkdir", parent, name: posix.basename(dir), ino, path: dir });
        touch(ino);
      }
    },
    async readdir(rawPath) {
      const path = absolute(rawPath, "readdir");
      await inject(FsOperation.Readdir, [path]);
      return [...(volume.readdirSync(path) as string[])];
    },
    async stat(rawPath) {
      const path = absolute(rawPath, "stat");
      await inject(FsOperation.Stat, [path]);
      const stat = volume.statSync(path);
      const directory = stat.isDirectory();
      const file = stat.isFile();
      const ino = ids.get(path);
      const result: FileStat = {
        size: stat.size,
        mtimeMs: (ino === undefined ? undefined : mtimes.get(ino)) ?? stat.mtimeMs,
        // The filesystem's own ids are never reused, unlike a disk's inode numbers.
        ino: ino ?? stat.ino,
        isDirectory: () => directory,
        isFile: () => file,
      };
      return result;
    },
    async truncate(rawPath, length) {
      const path = absolute(rawPath, "truncate");
      if (!(Number.isSafeInteger(length) && length >= 0)) {
        throw new TypeError(`truncate: length must be an integer >= 0, got ${String(length)}`);
      }
      await inject(FsOperation.Truncate, [path]);
      if (!volume.existsSync(path)) throw errnoError("ENOENT", "open", path);
      const size = fileSize(path);
      if (length - size > available()) {
        record("ENOSPC", path, "thrown", {
          operation: FsOperation.Truncate,
          by: "quota",
          requested: length - size,
          written: 0,
          syscall: "ftruncate",
        });
        throw errnoError("ENOSPC", "ftruncate");
      }
      volume.truncateSync(path, length);
      if (length === size) return;
      const ino = idOf(path);
      ops.push({ kind: "truncate", ino, length, path });
      used += length - size;
      touch(ino);
    },
    async rm(rawPath, options) {
      const path = absolute(rawPath, "rm");
      await inject(FsOperation.Rm, [path]);
      const plan = volume.existsSync(path) ? removalPlan(path) : [];
      volume.rmSync(path, {
        recursive: options?.recursive === true,
        force: options?.force === true,
      });
      for (const step of plan) ops.push(step.op);
      ids.remove(path);
      used -= plan.reduce((sum, step) => sum + step.bytes, 0);
    },
    async syncDirectory(rawPath) {
      const path = absolute(rawPath, "syncDirectory");
      await inject(FsOperation.SyncDirectory, [path]);
      if (!volume.existsSync(path)) throw errnoError("ENOENT", "open", path);
      const ino = idOf(path);
      // As with the real port (open + fsync), a file path fsyncs the file.
      ops.push(
        volume.statSync(path).isDirectory()
          ? { kind: "fsyncdir", ino, path }
          : { kind: "fsync", ino, path },
      );
    },
    async statfs(rawPath) {
      const path = absolute(rawPath, "statfs");
      await inject(FsOperation.Statfs, [path]);
      if (!volume.existsSync(path)) throw errnoError("ENOENT", "statfs", path);
      const stat: FileSystemStat = {
        availableBytes: available(),
        totalBytes: quotaBytes ?? UNLIMITED_BYTES,
      };
      return stat;
    },
    use(...added) {
      const parsed = parseFsFaultRules(added, "use(...rules)");
      assertClockForLatency(parsed, clock, "rules");
      rules.use(...parsed);
    },
    reset() {
      rules.reset();
    },
    mark(label, data) {
      if (typeof label !== "string" || label === "") {
        throw new TypeError("mark(label, data?) needs a non-empty label, such as 'acknowledged'.");
      }
      if (data !== undefined && !isJsonValue(data)) {
        throw new TypeError("mark(label, data?): data must be a JSON value.");
      }
      marks.push({
        at: ops.length,
        label,
        ...(data === undefined ? {} : { data: structuredClone(data) }),
      });
    },
    trace() {
      return Object.freeze({ baseline, ops: [...ops], marks: [...marks] });
    },
    pending() {
      const pending = pendingOps(ops, ops.length);
      const files = new Set<string>();
      for (const [ino, list] of pending.data) {
        const last = ops[list.at(-1) as number] as TraceOp;
        // A file unlinked since has nothing left to lose.
        const path = ids.get(last.path) === ino ? last.path : ids.pathOf(ino);
        if (path !== undefined) files.add(path);
      }
      return {
        files: [...files].sort(),
        directoryOperations: pending.directory.map((index) => describeOp(ops[index] as TraceOp)),
      };
    },
    crash(mode) {
      if (!CRASH_MODES.includes(mode)) {
        throw new TypeError(
          `crash(mode) needs one of ${CRASH_MODES.join(", ")}, got ${JSON.stringify(mode)}`,
        );
      }
      const trace = fs.trace();
      const choice = chooseCrash(trace, mode, random);
      const pending = pendingOps(trace.ops, choice.crashPoint);
      const built = buildImage(trace, choice, false, pending);
      const description = describeChoice(trace, choice, pending, built.image, built.inconsistent);
      record("crash", "/", mode, { ops: trace.ops.length, description });
      const after = volumeFromImage(built.image);
      return {
        volume: after,
        description,
        fs: createFaultFileSystem({
          random,
          journal,
          rules: resolved.rules,
          volume: after,
          ...(clock === undefined ? {} : { clock }),
          ...(quotaBytes === undefined ? {} : { quotaBytes }),
          ...(maxOpenFiles === undefined ? {} : { maxOpenFiles }),
        }),
      };
    },
  };

  /** The unlinks and rmdirs `rm -r path` amounts to, children first, with each file's size. */
  function removalPlan(path: string): Array<{ op: TraceOp; bytes: number }> {
    const plan: Array<{ op: TraceOp; bytes: number }> = [];
    const visit = (current: string) => {
      const stat = volume.lstatSync(current);
      const entry = {
        parent: parentOf(current),
        name: posix.basename(current),
        ino: idOf(current),
        path: current,
      };
      if (!stat.isDirectory()) {
        plan.push({ op: { kind: "unlink", ...entry }, bytes: stat.size });
        return;
      }
      for (const name of (volume.readdirSync(current) as string[]).sort()) {
        visit(posix.join(current, name));
      }
      plan.push({ op: { kind: "rmdir", ...entry }, bytes: 0 });
    };
    visit(path);
    return plan;
  }

  function subtreeBytes(path: string): number {
    return removalPlan(path).reduce((sum, step) => sum + step.bytes, 0);
  }

  return fs;
}

function absolute(path: unknown, call: string): string {
  if (typeof path !== "string" || !posix.isAbsolute(path)) {
    throw new TypeError(
      `${call}: the fault filesystem needs an absolute path, got ${JSON.stringify(path)}`,
    );
  }
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** The error Node raises for `code` on this call: syscall and path as Node's fs reports them. */
function nodeError(code: FsErrno, operation: FsOperation, paths: readonly string[]): ErrnoError {
  const [path, dest] = paths;
  // Errors of opening carry the path; errors on an open descriptor do not.
  const opening = code === "EACCES" || code === "EROFS" || code === "EMFILE";
  switch (operation) {
    case FsOperation.Open:
      return errnoError(code, "open", path);
    case FsOperation.Write:
      return errnoError(code, "write");
    case FsOperation.Sync:
      return errnoError(code, "fsync");
    case FsOperation.Close:
      return errnoError(code, "close");
    case FsOperation.ReadFile:
      return opening ? errnoError(code, "open", path) : errnoError(code, "read");
    case FsOperation.Rename:
      return errnoError(code, "rename", path, dest);
    case FsOperation.Unlink:
      return errnoError(code, "unlink", path);
    case FsOperation.Mkdir:
      return errnoError(code, "mkdir", path);
    case FsOperation.Readdir:
      return errnoError(code, "scandir", path);
    case FsOperation.Stat:
      return errnoError(code, "stat", path);
    case FsOperation.Truncate:
      return opening ? errnoError(code, "open", path) : errnoError(code, "ftruncate");
    case FsOperation.Rm:
      return errnoError(code, "rm", path);
    case FsOperation.SyncDirectory:
      return opening ? errnoError(code, "open", path) : errnoError(code, "fsync");
    case FsOperation.Statfs:
      return errnoError(code, "statfs", path);
  }
}
