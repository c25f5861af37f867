// One suite in a process of its own (see runSuiteInChild): its figures as JSON
// on stdout, its progress lines on stderr.
import { suiteContext } from "./run-suites.js";
import { SUITES } from "./suites/index.js";

const name = process.argv[2];
const suite = SUITES.find((candidate) => candidate.name === name);
if (suite === undefined) {
  process.stderr.write(
    `suite-child: no suite named ${JSON.stringify(name)}; known: ${SUITES.map((s) => s.name).join(", ")}\n`,
  );
  process.exit(2);
}
const figures = await suite.run(suiteContext());
process.stdout.write(`${JSON.stringify(figures)}\n`);
