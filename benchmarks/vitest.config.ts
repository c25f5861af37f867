import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workflowmaster/source"] },
  ssr: { resolve: { conditions: ["@workflowmaster/source"] } },
  test: {
    name: "benchmarks",
    include: ["src/**/*.test.ts"],
  },
});
