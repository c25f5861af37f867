import type { Classification, Classifier, ClassifyCode } from "./classification.js";
import { isRecord, oneLine, readString } from "./inspect.js";

type NetworkCode = Extract<ClassifyCode, `WFM-NET-${string}`>;

/** Socket-level codes from Node (errno) and undici (`UND_ERR_*`): all worth retrying. */
const NETWORK_CODES: Readonly<Record<string, NetworkCode>> = {
  ECONNRESET: "WFM-NET-RESET",
  EPIPE: "WFM-NET-RESET",
  ECONNABORTED: "WFM-NET-RESET",
  UND_ERR_SOCKET: "WFM-NET-RESET",
  UND_ERR_CLOSED: "WFM-NET-RESET",
  ECONNREFUSED: "WFM-NET-REFUSED",
  ENOTFOUND: "WFM-NET-DNS",
  EAI_AGAIN: "WFM-NET-DNS",
  ETIMEDOUT: "WFM-NET-TIMEOUT",
  ESOCKETTIMEDOUT: "WFM-NET-TIMEOUT",
  UND_ERR_CONNECT_TIMEOUT: "WFM-NET-TIMEOUT",
  UND_ERR_HEADERS_TIMEOUT: "WFM-NET-TIMEOUT",
  UND_ERR_BODY_TIMEOUT: "WFM-NET-TIMEOUT",
  EHOSTUNREACH: "WFM-NET-UNREACHABLE",
  ENETUNREACH: "WFM-NET-UNREACHABLE",
  ENETDOWN: "WFM-NET-UNREACHABLE",
  EHOSTDOWN: "WFM-NET-UNREACHABLE",
};

/** Filesystem and process codes: the machine, not the request. */
const SYSTEM_CODES: Readonly<Record<string, ClassifyCode>> = {
  ENOSPC: "WFM-DISK-FULL",
  EDQUOT: "WFM-DISK-QUOTA",
  EACCES: "WFM-FS-PERMISSION-DENIED",
  EPERM: "WFM-FS-PERMISSION-DENIED",
  EROFS: "WFM-FS-READ-ONLY",
  EIO: "WFM-DISK-IO",
  EFBIG: "WFM-FILE-TOO-LARGE",
  EMFILE: "WFM-FD-EXHAUSTED",
  ENFILE: "WFM-FD-EXHAUSTED",
  ENOMEM: "WFM-MEMORY-EXHAUSTED",
  ENOENT: "WFM-FS-NOT-FOUND",
};

const OBSERVED: Readonly<Partial<Record<ClassifyCode, string>>> = {
  "WFM-NET-RESET": "The connection was dropped",
  "WFM-NET-REFUSED": "The connection was refused",
  "WFM-NET-DNS": "The host name could not be resolved",
  "WFM-NET-TIMEOUT": "The network operation timed out",
  "WFM-NET-UNREACHABLE": "The network or host is unreachable",
  "WFM-DISK-FULL": "The disk is full",
  "WFM-DISK-QUOTA": "The disk quota is exceeded",
  "WFM-FS-PERMISSION-DENIED": "Permission denied",
  "WFM-FS-READ-ONLY": "The filesystem is read-only",
  "WFM-DISK-IO": "The disk reported an I/O error",
  "WFM-FILE-TOO-LARGE": "A file reached the largest size this process may write",
  "WFM-FD-EXHAUSTED": "The process ran out of file descriptors",
  "WFM-MEMORY-EXHAUSTED": "The system is out of memory",
  "WFM-FS-NOT-FOUND": "A file or directory is missing",
};

/** The network code for a Node or undici error code, if it is one. */
export function networkCodeFor(code: string | undefined): NetworkCode | undefined {
  return code === undefined ? undefined : NETWORK_CODES[code];
}

/**
 * `NodeJS.ErrnoException` and undici errors, read from their string `code`
 * (DOMException's numeric `code` is not an errno and is ignored).
 */
export const classifyErrno: Classifier = (value) => {
  if (!isRecord(value)) return undefined;
  const code = readString(value, "code");
  const syscall = readString(value, "syscall");
  const path = readString(value, "path");
  const message = oneLine(readString(value, "message") ?? String(code));
  if (code === "ENOENT" && syscall?.startsWith("spawn") === true) {
    return {
      code: "WFM-COMMAND-NOT-FOUND",
      message: `A program could not be started: ${message}`,
      context: { path: path ?? syscall.slice("spawn ".length), detail: message },
    };
  }
  const mapped = code === undefined ? undefined : (NETWORK_CODES[code] ?? SYSTEM_CODES[code]);
  if (mapped !== undefined) return errnoClassification(mapped, message, code, syscall, path);
  return undefined;
};

/**
 * undici's `TypeError: fetch failed` with no errno beneath it: a network
 * failure, not a bug. Only consulted after the whole cause chain was searched
 * for something more specific.
 */
export function isFetchFailure(value: unknown): boolean {
  return (
    readString(value, "name") === "TypeError" && readString(value, "message") === "fetch failed"
  );
}

function errnoClassification(
  code: ClassifyCode,
  message: string,
  errno: string | undefined,
  syscall: string | undefined,
  path: string | undefined,
): Classification {
  const detail = code.startsWith("WFM-NET-")
    ? message
    : `${errno}${syscall === undefined ? "" : ` on ${syscall}`}`;
  return {
    code,
    message: `${OBSERVED[code] ?? "A system call failed"}: ${message}`,
    context: { detail, ...(path === undefined ? {} : { path }) },
  };
}
