import type { LimitSupportReport } from "./limit-support.js";
import { LimitName, type LimitOutcome, type ResourceLimits } from "./resource-limits.js";

/** Whether any limit is asked for at all (`ifUnavailable` alone asks for none). */
export function hasAnyLimit(limits: ResourceLimits): boolean {
  return (
    limits.heapMiB !== undefined ||
    limits.openFiles !== undefined ||
    limits.fileSizeBytes !== undefined ||
    limits.addressSpaceBytes !== undefined ||
    limits.memoryBytes !== undefined
  );
}

/** Each asked-for limit with the mechanism that applies it, or why it cannot here. */
export function planLimits(limits: ResourceLimits, support: LimitSupportReport): LimitOutcome[] {
  const outcomes: LimitOutcome[] = [];
  const add = (limit: LimitName, value: number | undefined, via: (v: number) => string) => {
    if (value === undefined) return;
    const mechanism =
      limit === LimitName.Heap
        ? support.heap
        : limit === LimitName.Memory
          ? support.cgroupMemory
          : support.prlimit;
    outcomes.push(
      mechanism.available
        ? { limit, value, available: true, via: via(value) }
        : { limit, value, available: false, reason: mechanism.reason },
    );
  };
  add(LimitName.Heap, limits.heapMiB, (v) => `NODE_OPTIONS=--max-old-space-size=${v}`);
  add(LimitName.OpenFiles, limits.openFiles, (v) => `prlimit --nofile=${v}`);
  add(LimitName.FileSize, limits.fileSizeBytes, (v) => `prlimit --fsize=${v}`);
  add(LimitName.AddressSpace, limits.addressSpaceBytes, (v) => `prlimit --as=${v}`);
  add(
    LimitName.Memory,
    limits.memoryBytes,
    (v) =>
      `cgroup v1 ${support.cgroupMemory.available ? support.cgroupMemory.detail : ""}/wfm-chaos-*/memory.limit_in_bytes=${v}`,
  );
  return outcomes;
}

/** The `prlimit` options for the applied rlimits; a single value sets soft and hard alike. */
export function prlimitArguments(
  limits: ResourceLimits | undefined,
  outcomes: readonly LimitOutcome[],
): string[] {
  if (limits === undefined) return [];
  const applied = (limit: LimitName) =>
    outcomes.some((outcome) => outcome.limit === limit && outcome.available);
  const out: string[] = [];
  if (limits.openFiles !== undefined && applied(LimitName.OpenFiles)) {
    out.push(`--nofile=${limits.openFiles}`);
  }
  if (limits.fileSizeBytes !== undefined && applied(LimitName.FileSize)) {
    out.push(`--fsize=${limits.fileSizeBytes}`);
  }
  if (limits.addressSpaceBytes !== undefined && applied(LimitName.AddressSpace)) {
    out.push(`--as=${limits.addressSpaceBytes}`);
  }
  return out;
}
