// Writes docs/troubleshooting.md from the error catalogue.
// Usage: pnpm docs:generate (runs this file through tsx, which loads the TypeScript source).
import { writeFileSync } from "node:fs";
import {
  renderTroubleshootingGuide,
  TROUBLESHOOTING_GUIDE_PATH,
} from "../packages/core/src/errors/troubleshooting-guide.ts";

const target = new URL(`../${TROUBLESHOOTING_GUIDE_PATH}`, import.meta.url);
writeFileSync(target, renderTroubleshootingGuide());
process.stdout.write(`wrote ${TROUBLESHOOTING_GUIDE_PATH}\n`);
