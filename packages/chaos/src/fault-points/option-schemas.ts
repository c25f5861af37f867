import { z } from "zod";
import type { Clock } from "../clock/clock.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import type { Random } from "../seed/random.js";

// Ports arrive as objects with functions; check their shape, not their class.
const hasFunctions = (value: unknown, names: readonly string[]) =>
  typeof value === "object" &&
  value !== null &&
  names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

export const randomOption = z.custom<Random>((value) => hasFunctions(value, ["next"]), {
  error: 'must be a Random with next(), such as seed.stream("fault-points")',
});

export const journalOption = z.custom<FaultJournal>((value) => hasFunctions(value, ["record"]), {
  error: "must be a fault journal from createFaultJournal(clock)",
});

export const clockOption = z.custom<Clock>((value) => hasFunctions(value, ["now", "sleep"]), {
  error: "must be a Clock with now() and sleep(), such as createVirtualClock()",
});
