#!/usr/bin/env node
// Runs the CLI from source through tsx, in this same process (tsx's loader
// registered here, not a second node spawned as workflowmaster-chaos does):
// signals, a SIGKILL and the exit code reach the real CLI directly. Core's
// CLI imports only core, so no export condition is needed.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
