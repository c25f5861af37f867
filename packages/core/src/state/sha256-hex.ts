import { createHash } from "node:crypto";

/** sha256 of a UTF-8 text, as 64 lowercase hex digits. Pure: no effect on the world. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
