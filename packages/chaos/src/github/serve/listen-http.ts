import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createMswApp } from "@mswjs/http-middleware";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import type { GithubSimulator } from "../github-simulator.js";

export interface ListenHttpOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface HttpGithubSimulator {
  /** `http://127.0.0.1:PORT`: the API root to give a client as its base URL. */
  readonly url: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

// An internal marker: the resolver asks for a dropped connection, the server destroys the socket.
const DROP_HEADER = "x-workflowmaster-simulator-drop";

const optionsSchema = z.strictObject({
  host: z.string().min(1, "must be a host name or address").optional(),
  port: z.number().int().min(0, "must be 0..65535").max(65535, "must be 0..65535").optional(),
});

/**
 * Serves the same handlers over real HTTP (via `@mswjs/http-middleware`),
 * rooted at `/`. Bodies link to the server's own origin. A dropped
 * connection or ghost write destroys the socket: the client sees a reset.
 */
export async function listenHttp(
  simulator: GithubSimulator,
  options: ListenHttpOptions = {},
): Promise<HttpGithubSimulator> {
  const { host = "127.0.0.1", port = 0 } = parseOptions(
    optionsSchema,
    options,
    "listenHttp options",
  );
  const handlers = simulator.handlersFor(
    {
      apiUrl: undefined,
      basePath: "",
      dropped: () => new Response(null, { status: 502, headers: { [DROP_HEADER]: "1" } }),
    },
    "",
  );
  // http-middleware is typed against its own copy of msw's types: the handlers are the same objects.
  const app = createMswApp(...(handlers as unknown as Parameters<typeof createMswApp>));
  // GitHub does not say who serves it; Express would.
  app.disable("x-powered-by");
  const server = createServer((request, response) => {
    const appendHeader = response.appendHeader.bind(response);
    response.appendHeader = (name: string, value: string | readonly string[]) => {
      if (name.toLowerCase() === DROP_HEADER) {
        request.socket.destroy();
        return response;
      }
      return appendHeader(name, value);
    };
    app(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
