import { setupServer } from "msw/node";
import type { GithubSimulator } from "../github-simulator.js";

/**
 * Serves the simulator to this process's `fetch` and `http` through msw's
 * `setupServer`. Any request to another host fails loudly
 * (`onUnhandledRequest: "error"`). Returns the disposer that stops it.
 * One in-process server at a time: msw patches the process's globals.
 */
export function listenInProcess(simulator: GithubSimulator): () => void {
  const server = setupServer(...simulator.handlers);
  server.listen({ onUnhandledRequest: "error" });
  return () => server.close();
}
