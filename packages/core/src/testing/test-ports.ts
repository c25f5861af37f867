import type { Ports } from "../ports/index.js";
import { createVirtualClock, nodePorts, seededRandom } from "../ports/index.js";

/** Real disk and spawner, a virtual clock, seeded randomness. */
export function testPorts(overrides: Partial<Ports> = {}): Ports {
  return nodePorts({ clock: createVirtualClock(), random: seededRandom(7), ...overrides });
}
