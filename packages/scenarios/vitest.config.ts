import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workflowmaster/source"] },
  ssr: { resolve: { conditions: ["@workflowmaster/source"] } },
  test: {
    name: "scenarios",
    include: ["src/**/*.test.ts", "scenarios/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
