/** The one line printed when the container backend is asked for where no engine answers. */
export const NO_CONTAINER_RUNTIME_MESSAGE =
  'No container runtime answers here (testcontainers found no Docker or Podman engine), so the Toxiproxy container backend cannot start: use backend "embedded" (the default) or "external" with TOXIPROXY_URL.';

export const NO_TESTCONTAINERS_MESSAGE =
  'The Toxiproxy container backend needs the optional dependency testcontainers 11: run `pnpm --filter @workflowmaster/chaos add -O -E testcontainers@11.14.0`, or use backend "embedded" (the default).';

type Testcontainers = typeof import("testcontainers");

/** testcontainers, loaded only when a container is wanted (it is optional and slow to load). */
export async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    return await import("testcontainers");
  } catch (error) {
    throw new Error(NO_TESTCONTAINERS_MESSAGE, { cause: error });
  }
}

/** Whether a Docker-compatible engine answers (testcontainers' own probe). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  const testcontainers = await loadTestcontainers();
  return testcontainers.getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}
