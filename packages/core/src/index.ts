// The public surface of @workflowmaster/core.
export * from "./engine/index.js";
export * from "./errors/index.js";
export * from "./git/index.js";
export * from "./github/index.js";
export * from "./monitor/index.js";
export * from "./ports/index.js";
export * from "./resources/index.js";
export * from "./retry/index.js";
export * from "./state/index.js";
export * from "./workflows/index.js";
