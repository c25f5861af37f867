import type { Random } from "../ports/random.js";

/** Every temp file the store writes starts with this; start-up recovery removes leftovers. */
export const TEMP_PREFIX = ".tmp-";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `.tmp-<12 random chars>`, from the injected Random so a seed replays it. */
export function tempFileName(random: Random): string {
  let name = TEMP_PREFIX;
  for (let i = 0; i < 12; i++) {
    name += ALPHABET[Math.floor(random.next() * ALPHABET.length)] ?? "x";
  }
  return name;
}

/** A random id (for lock owners), same alphabet. */
export function randomId(random: Random): string {
  return tempFileName(random).slice(TEMP_PREFIX.length);
}
