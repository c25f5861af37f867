// Prints a command from the README's Quick start: the first fenced block
// holds one line to run the main job and one to run the tests.
// Usage: node scripts/readme-command.mjs main|test
import { readFileSync } from "node:fs";

const which = process.argv[2];
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const section = readme.split(/^## Quick start\s*$/m)[1];
if (section === undefined) throw new Error("README.md has no `## Quick start` section");
const block = /```\w*\n([\s\S]*?)```/.exec(section);
if (block?.[1] === undefined) throw new Error("README.md Quick start has no fenced block");
const lines = block[1]
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const index = { main: 0, test: 1 }[which];
if (index === undefined || lines[index] === undefined) {
  throw new Error(`usage: readme-command.mjs main|test (found ${lines.length} command lines)`);
}
process.stdout.write(`${lines[index]}\n`);
