import { defineConfig } from "vitest/config";

// One project per package; sources are resolved through the
// "@workflowmaster/source" export condition so tests never need a build.
export default defineConfig({
  resolve: { conditions: ["@workflowmaster/source"] },
  ssr: { resolve: { conditions: ["@workflowmaster/source"] } },
  test: {
    projects: ["packages/*", "benchmarks"],
  },
});
