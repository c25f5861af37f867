import { timingSafeEqual } from "node:crypto";

/** An HTTP refusal: the status and a sentence saying why. */
export interface Refusal {
  status: number;
  message: string;
}

/** The header the page sends its token in. */
export const TOKEN_HEADER = "x-workflowmaster-token";

/** Largest request body accepted, in bytes: an acknowledgement is tens of bytes. */
export const MAX_BODY_BYTES = 4096;

/** The only names this server answers to: loopback, on its own port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/**
 * Refuses a request whose Host is not this server on loopback: a page on
 * another site that rebinds its DNS name to 127.0.0.1 still sends its own
 * name as Host, so this stops it reading the dashboard (DNS rebinding).
 */
export function checkHost(host: string | undefined, port: number): Refusal | undefined {
  if (host !== undefined && allowedHosts(port).includes(host.toLowerCase())) return undefined;
  return {
    status: 403,
    message: `Refused: this dashboard answers only to Host ${allowedHosts(port).join(" or ")}, not ${JSON.stringify(host ?? "(none)")}.`,
  };
}

/**
 * Refuses a state-changing request that is cross-origin, lacks the page's
 * token, or is not JSON. Browsers always send Origin on a POST, so a
 * missing one is refused too.
 */
export function checkWriteRequest(
  headers: {
    origin?: string | undefined;
    token?: string | undefined;
    contentType?: string | undefined;
  },
  expected: { port: number; token: string },
): Refusal | undefined {
  const origins = allowedHosts(expected.port).map((host) => `http://${host}`);
  if (headers.origin === undefined || !origins.includes(headers.origin.toLowerCase())) {
    return {
      status: 403,
      message: `Refused: acknowledging is allowed only from the dashboard's own page (Origin ${origins.join(" or ")}), not ${JSON.stringify(headers.origin ?? "(none)")}.`,
    };
  }
  if (headers.token === undefined || !sameSecret(headers.token, expected.token)) {
    return {
      status: 403,
      message: `Refused: the request lacks this dashboard's token (header ${TOKEN_HEADER}); reload the page.`,
    };
  }
  const type = headers.contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return { status: 415, message: "Refused: send the acknowledgement as application/json." };
  }
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
