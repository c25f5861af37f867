import type { SimpleGitOptions } from "simple-git";

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/**
 * Inherited variables that only matter to a person at a terminal: git never
 * opens an editor or a pager for the commands WorkflowMaster runs (every
 * message is given with -m, output is never a terminal), and simple-git
 * refuses to run with them set.
 */
const INTERACTIVE_ONLY = new Set([
  "EDITOR",
  "VISUAL",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "PAGER",
  "GIT_PAGER",
]);

type UnsafeFlag = keyof NonNullable<SimpleGitOptions["unsafe"]>;

/**
 * simple-git blocks environment variables that could run programs, unless
 * the matching `unsafe` flag is set (its argv-parser's table, 3.36). The
 * ones that remain after INTERACTIVE_ONLY is removed are the user's own
 * setup (an ssh command, an askpass helper, a config path), not input from
 * an issue or title, so they are allowed exactly when present.
 */
const UNSAFE_FLAG_FOR: Readonly<Record<string, UnsafeFlag>> = {
  editor: "allowUnsafeEditor",
  git_editor: "allowUnsafeEditor",
  git_sequence_editor: "allowUnsafeEditor",
  git_askpass: "allowUnsafeAskPass",
  ssh_askpass: "allowUnsafeAskPass",
  git_config: "allowUnsafeConfigPaths",
  git_config_global: "allowUnsafeConfigPaths",
  git_config_system: "allowUnsafeConfigPaths",
  git_exec_path: "allowUnsafeConfigPaths",
  prefix: "allowUnsafeConfigPaths",
  git_config_count: "allowUnsafeConfigEnvCount",
  git_external_diff: "allowUnsafeDiffExternal",
  git_pager: "allowUnsafePager",
  pager: "allowUnsafePager",
  git_proxy_command: "allowUnsafeGitProxy",
  git_template_dir: "allowUnsafeTemplateDir",
  git_ssh: "allowUnsafeSshCommand",
  git_ssh_command: "allowUnsafeSshCommand",
};

/** As simple-git matches a config key: the name anywhere in the key (its dots match any character). */
const anywhere = (name: string, flag: UnsafeFlag): [RegExp, UnsafeFlag] => [
  new RegExp(`\\s*${name}`),
  flag,
];
/** As simple-git matches a config key with a subsection: `diff.<driver>.textconv`. */
const sectioned = (name: string, flag: UnsafeFlag): [RegExp, UnsafeFlag] => [
  new RegExp(`\\s*${name.replace(/\./g, "(..+)?.")}`),
  flag,
];

/** Config keys given through GIT_CONFIG_KEY_n that simple-git also guards (same table). */
const UNSAFE_CONFIG_KEYS: ReadonlyArray<[RegExp, UnsafeFlag]> = [
  anywhere("alias", "allowUnsafeAlias"),
  anywhere("core.askpass", "allowUnsafeAskPass"),
  anywhere("core.editor", "allowUnsafeEditor"),
  anywhere("core.fsmonitor", "allowUnsafeFsMonitor"),
  anywhere("core.gitproxy", "allowUnsafeGitProxy"),
  anywhere("core.hookspath", "allowUnsafeHooksPath"),
  anywhere("core.pager", "allowUnsafePager"),
  anywhere("core.sshcommand", "allowUnsafeSshCommand"),
  sectioned("credential.helper", "allowUnsafeCredentialHelper"),
  sectioned("diff.command", "allowUnsafeDiffExternal"),
  anywhere("diff.external", "allowUnsafeDiffExternal"),
  sectioned("diff.textconv", "allowUnsafeDiffTextConv"),
  sectioned("filter.clean", "allowUnsafeFilter"),
  sectioned("filter.smudge", "allowUnsafeFilter"),
  sectioned("gpg.program", "allowUnsafeGpgProgram"),
  anywhere("init.templatedir", "allowUnsafeTemplateDir"),
  sectioned("merge.driver", "allowUnsafeMergeDriver"),
  sectioned("mergetool.path", "allowUnsafeMergeDriver"),
  sectioned("mergetool.cmd", "allowUnsafeMergeDriver"),
  sectioned("protocol.allow", "allowUnsafeProtocolOverride"),
  sectioned("remote.receivepack", "allowUnsafePack"),
  sectioned("remote.uploadpack", "allowUnsafePack"),
  anywhere("sequence.editor", "allowUnsafeEditor"),
];

export interface GitEnvironment {
  /** The whole environment of every git command (simple-git replaces, not merges). */
  readonly env: Readonly<Record<string, string>>;
  readonly unsafe: NonNullable<SimpleGitOptions["unsafe"]>;
}

/**
 * The environment every git command runs with: the inherited one minus
 * editors and pagers, the caller's additions, then what WorkflowMaster
 * relies on, which nothing overrides — English messages for `classify`
 * (`LC_ALL=C`), no credential prompt that would hang a run, no optional
 * index refresh by read-only commands, and the identity for this process
 * only (`GIT_AUTHOR_*`/`GIT_COMMITTER_*`), so nothing is written to config.
 */
export function gitEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>>,
  identity: GitIdentity | undefined,
): GitEnvironment {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value !== undefined && !INTERACTIVE_ONLY.has(name.toUpperCase())) env[name] = value;
  }
  Object.assign(env, extra, {
    LC_ALL: "C",
    LANGUAGE: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
  });
  if (identity !== undefined) {
    Object.assign(env, {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    });
  }
  return { env, unsafe: unsafeFlagsFor(env) };
}

function unsafeFlagsFor(env: Readonly<Record<string, string>>): GitEnvironment["unsafe"] {
  const flags: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(env)) {
    const key = name.toLowerCase().trim();
    const flag = UNSAFE_FLAG_FOR[key];
    if (flag !== undefined) flags[flag] = true;
    if (/^git_config_key_\d+$/.test(key)) {
      const configKey = value.toLowerCase().trim();
      for (const [pattern, configFlag] of UNSAFE_CONFIG_KEYS) {
        if (pattern.test(configKey)) flags[configFlag] = true;
      }
    }
  }
  return flags;
}
