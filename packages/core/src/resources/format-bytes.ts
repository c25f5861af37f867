const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A byte count for people, in binary units with at most one decimal:
 * "512 bytes", "12 MiB", "1.5 GiB". Used in guidance ("Only 12 MiB free").
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (Math.abs(bytes) < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let value = bytes;
  let unit: string = "bytes";
  for (const next of UNITS) {
    if (Math.abs(value) < 1024) break;
    value /= 1024;
    unit = next;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded} ${unit}`;
}
