/** Whether `error` is a Node system error with this errno code (ENOENT, EEXIST …). */
export function hasErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
