import { z } from "zod";

/**
 * Limits a child runs under. Each is applied by a real mechanism, or
 * reported unavailable (`{ available: false, reason }`): never dropped silently.
 */
export interface ResourceLimits {
  /** V8's old-space heap in MiB (`--max-old-space-size`, through NODE_OPTIONS): Node programs only. */
  heapMiB?: number;
  /** RLIMIT_NOFILE, soft and hard (`prlimit --nofile`): past it, open() fails with EMFILE. */
  openFiles?: number;
  /** RLIMIT_FSIZE in bytes (`prlimit --fsize`): a write past it fails with EFBIG. */
  fileSizeBytes?: number;
  /** RLIMIT_AS in bytes (`prlimit --as`). Node needs about 1 GiB of address space just to start. */
  addressSpaceBytes?: number;
  /** A cgroup v1 memory limit in bytes (`memory.limit_in_bytes`): past it the kernel OOM-kills. */
  memoryBytes?: number;
  /**
   * When a limit cannot be applied on this machine: `"refuse"` (default)
   * rejects before starting anything; `"run-without"` runs the child without
   * it and reports it in `handle.limits`.
   */
  ifUnavailable?: "refuse" | "run-without";
}

/** Which limit, as reported. */
export const LimitName = {
  Heap: "heap",
  OpenFiles: "open-files",
  FileSize: "file-size",
  AddressSpace: "address-space",
  Memory: "memory",
} as const;
export type LimitName = (typeof LimitName)[keyof typeof LimitName];

/** One asked-for limit: how it was applied, or why it could not be. */
export type LimitOutcome =
  | {
      readonly limit: LimitName;
      readonly value: number;
      readonly available: true;
      readonly via: string;
    }
  | {
      readonly limit: LimitName;
      readonly value: number;
      readonly available: false;
      readonly reason: string;
    };

const positiveInt = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int(`must be ${what}`)
    .positive(`must be ${what}`);

export const resourceLimitsSchema = z.strictObject({
  heapMiB: positiveInt("a whole number of MiB above 0").optional(),
  openFiles: positiveInt("a whole number of descriptors above 0").optional(),
  fileSizeBytes: z
    .number({ error: "must be a whole number of bytes >= 0" })
    .int("must be a whole number of bytes >= 0")
    .nonnegative("must be a whole number of bytes >= 0")
    .optional(),
  addressSpaceBytes: positiveInt("a whole number of bytes above 0").optional(),
  memoryBytes: z
    .number({ error: "must be a whole number of bytes, at least 1 MiB" })
    .int("must be a whole number of bytes, at least 1 MiB")
    .min(1024 * 1024, "must be a whole number of bytes, at least 1 MiB")
    .optional(),
  ifUnavailable: z
    .enum(["refuse", "run-without"], { error: 'must be "refuse" or "run-without"' })
    .default("refuse"),
});
