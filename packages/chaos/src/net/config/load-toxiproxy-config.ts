import { readFile } from "node:fs/promises";

/**
 * Reads a Toxiproxy config file (`-config FILE`): a JSON array of proxies,
 * the body `/populate` takes, where each proxy may list `toxics`. Throws a
 * message naming the file and what is wrong with it.
 */
export async function loadToxiproxyConfig(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(
      `Failed to read the Toxiproxy config ${file}: ${(error as Error).message}. Please pass an existing JSON file.`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `The Toxiproxy config ${file} is not JSON: ${(error as Error).message}. Please fix the file.`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new Error(
      `The Toxiproxy config ${file} must be a JSON array of proxies ([{"name":…,"listen":…,"upstream":…,"toxics":[…]}]), got ${parsed === null ? "null" : typeof parsed}.`,
    );
  }
  return parsed;
}
