import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "network/git-remote-reset-peer",
  tags: ["network", "reset", "transient"],
  description:
    "From the push on, a seeded share (30–60 %) of connections to the git remote are reset by the peer: the push is retried in virtual time, checked with ls-remote before any resend, and the change lands exactly once.",
  faults: ["network:reset_peer"],
  expect: "completed",
  run: (context) => {
    const toxicity = context.seeds.stream("plan").int(30, 60) / 100;
    return runGitCase(context, {
      network: {
        async atPhase(phase, network) {
          if (phase !== "push") return;
          await network.faults.addToxic(network.proxy, {
            name: "reset",
            type: "reset_peer",
            stream: "upstream",
            toxicity,
            attributes: { timeout: 0 },
          });
        },
      },
    });
  },
});
