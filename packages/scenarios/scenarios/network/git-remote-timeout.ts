import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "network/git-remote-timeout",
  tags: ["network", "timeout", "transient"],
  description:
    "The first push's bytes are swallowed (timeout toxic on a seeded stream): the push's watchdog (150 ms real time here) kills it, the remote is asked whether it landed, the toxic is gone and the retried push completes once.",
  faults: ["network:timeout"],
  expect: "completed",
  run: (context) => {
    const stream = context.seeds.stream("plan").pick(["upstream", "downstream"] as const);
    let added = false;
    let removed = false;
    return runGitCase(context, {
      networkTimeoutMs: 150,
      network: {
        async beforeCommand(verb, _count, network) {
          if (!added && verb === "push") {
            added = true;
            await network.faults.addToxic(network.proxy, {
              name: "timeout",
              type: "timeout",
              stream,
              attributes: { timeout: 0 },
            });
          } else if (added && !removed) {
            removed = true;
            await network.faults.removeToxic(network.proxy, "timeout");
          }
        },
      },
    });
  },
});
