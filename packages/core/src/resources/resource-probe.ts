/**
 * What the resource guard measures besides disk space, injected so tests
 * (and the chaos harness) can report scarcity without creating it.
 * `undefined` means "cannot be measured on this platform": the guard then
 * reports that check as unmeasured instead of guessing.
 */
export interface ResourceProbe {
  /** Bytes of memory this process could still get. */
  freeMemoryBytes(): Promise<number>;
  /** File descriptors this process has open. */
  openFileDescriptors(): Promise<number | undefined>;
  /** The soft limit on open file descriptors (RLIMIT_NOFILE); `Infinity` when unlimited. */
  fileDescriptorLimit(): Promise<number | undefined>;
}
