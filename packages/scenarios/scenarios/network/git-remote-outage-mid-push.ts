import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "network/git-remote-outage-mid-push",
  tags: ["network", "outage", "transient"],
  description:
    "The proxy to the git remote goes down as the push starts (connections refused) and comes back after a seeded 1–4 further network commands: the push backs off in virtual time and completes, the change on the remote once.",
  faults: ["network:down"],
  expect: "completed",
  run: (context) => {
    const outageCommands = context.seeds.stream("plan").int(1, 4);
    let downAt: number | undefined;
    return runGitCase(context, {
      network: {
        async beforeCommand(verb, count, network) {
          if (downAt === undefined && verb === "push") {
            downAt = count;
            await network.faults.setEnabled(network.proxy, false);
          } else if (downAt !== undefined && count === downAt + outageCommands) {
            await network.faults.setEnabled(network.proxy, true);
          }
        },
      },
    });
  },
});
