import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "network/git-remote-latency",
  tags: ["network", "latency", "transient"],
  description:
    "Every byte from the git remote is delayed by a seeded 20–80 ms with jitter (Toxiproxy latency toxic in front of git daemon) for the whole run: it completes with the change on the remote once.",
  faults: ["network:latency"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const latency = plan.int(20, 80);
    const jitter = plan.int(5, 15);
    return runGitCase(context, {
      network: {
        async atPhase(phase, network) {
          if (phase !== "preflight") return;
          await network.faults.addToxic(network.proxy, {
            name: "latency",
            type: "latency",
            stream: "downstream",
            attributes: { latency, jitter },
          });
        },
      },
    });
  },
});
