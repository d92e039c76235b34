// Follows a shell script the way it would run at boot, as far as joining a cluster goes: which
// commands it runs (with variables assigned earlier expanded) and which files it writes
// (here-documents and `echo` redirected to a file or through `tee`). It assumes every command
// succeeds and reads both branches of `&&` / `||`; conditionals and loops are not evaluated,
// their bodies are read once as plain commands.

import { posix } from 'node:path';
import { lexShell, type Token, type Word } from './shell-lexer';

export type ShellStep =
  | { kind: 'run'; argv: string[] }
  | { kind: 'write'; path: string; content: string; append: boolean };

export { ShellSyntaxError } from './shell-lexer';

// Words that open or close compound commands; the command proper follows them.
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until']);
const OPENERS = new Set([...KEYWORDS, '!', '{', '}']);
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ksh', 'zsh']);
/** Commands that run the rest of their arguments as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'exec', 'time', 'command']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** The steps `script` performs, in order. Throws ShellSyntaxError for text a shell rejects. */
export function followShell(script: string, variables = new Map<string, string>()): ShellStep[] {
  const steps: ShellStep[] = [];
  for (const pipeline of pipelines(lexShell(script))) {
    let stdin: string | undefined;
    for (const command of pipeline) {
      stdin = runCommand(command, stdin, variables, steps);
    }
  }
  return steps;
}

interface Command {
  words: Word[];
  redirects: Array<{ op: string; fd: number; target?: Word }>;
  heredoc?: { body: string; expand: boolean };
}

function pipelines(tokens: Token[]): Command[][] {
  const result: Command[][] = [];
  let pipeline: Command[] = [];
  let command: Command = { words: [], redirects: [] };
  const endCommand = () => {
    if (command.words.length > 0 || command.redirects.length > 0 || command.heredoc) {
      pipeline.push(command);
    }
    command = { words: [], redirects: [] };
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token.kind === 'word') command.words.push(token.word);
    else if (token.kind === 'heredoc') command.heredoc = token;
    else if (token.kind === 'redirect') {
      const next = tokens[i + 1];
      const target = next?.kind === 'word' ? next.word : undefined;
      if (target) i += 1;
      command.redirects.push({ op: token.op, fd: token.fd, target });
    } else if (token.op === '|') {
      endCommand();
    } else {
      endCommand();
      if (pipeline.length > 0) result.push(pipeline);
      pipeline = [];
    }
  }
  endCommand();
  if (pipeline.length > 0) result.push(pipeline);
  return result;
}

/** Runs one command of a pipeline; returns what it writes to stdout, when we can tell. */
function runCommand(
  command: Command,
  stdin: string | undefined,
  variables: Map<string, string>,
  steps: ShellStep[],
): string | undefined {
  const argv = command.words.map((word) => expand(word, variables));
  while (argv.length > 0 && OPENERS.has(argv[0]!)) argv.shift();
  const assignments: Array<[string, string]> = [];
  while (argv.length > 0 && ASSIGNMENT.test(argv[0]!)) {
    const [, name, value] = ASSIGNMENT.exec(argv.shift()!)!;
    assignments.push([name!, value!]);
  }
  // Assignments alone set shell variables; before a command they only reach its environment.
  if (argv.length === 0) for (const [name, value] of assignments) variables.set(name, value);
  if (argv[0] === 'export' || argv[0] === 'readonly' || argv[0] === 'local') {
    for (const arg of argv.slice(1)) {
      const found = ASSIGNMENT.exec(arg);
      if (found) variables.set(found[1]!, found[2]!);
    }
  }
  if (argv.length > 0) steps.push({ kind: 'run', argv });

  const input = command.heredoc
    ? command.heredoc.expand
      ? expandText(command.heredoc.body, variables)
      : command.heredoc.body
    : stdin;
  const stdout = output(argv, input, steps);
  const script = shellScriptArgument(argv);
  if (script !== undefined) steps.push(...followShell(script, variables));

  let piped = stdout;
  for (const redirect of command.redirects) {
    if (redirect.fd !== 1 || !redirect.target || !['>', '>>', '>|'].includes(redirect.op)) {
      continue;
    }
    const path = expand(redirect.target, variables);
    steps.push({ kind: 'write', path, content: stdout ?? '', append: redirect.op === '>>' });
    piped = undefined;
  }
  return piped;
}

/** stdout of the few commands that move text into files: cat, echo, tee. */
function output(words: string[], stdin: string | undefined, steps: ShellStep[]) {
  const argv = withoutWrappers(words);
  const name = argv[0] === undefined ? undefined : basename(argv[0]);
  if (name === 'cat' && argv.length === 1) return stdin;
  if (name === 'echo') {
    const args = argv.slice(1);
    let newline = true;
    while (args[0] !== undefined && /^-[neE]+$/.test(args[0])) {
      if (args.shift()!.includes('n')) newline = false;
    }
    return args.join(' ') + (newline ? '\n' : '');
  }
  if (name === 'tee') {
    const args = argv.slice(1);
    const append = args.some((a) => a === '-a' || a === '--append');
    for (const path of args.filter((a) => !a.startsWith('-'))) {
      steps.push({ kind: 'write', path, content: stdin ?? '', append });
    }
    return stdin;
  }
  return undefined;
}

/** The script of `sh -c 'script'` (also `sudo bash -c …`), which a shell then runs. */
function shellScriptArgument(argv: string[]): string | undefined {
  const args = withoutWrappers(argv);
  if (args[0] === undefined || !SHELLS.has(basename(args[0]))) return undefined;
  const flag = args.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
  return flag > 0 ? args[flag + 1] : undefined;
}

/** The command a wrapper runs: `sudo -E kubeadm join` → `kubeadm join`. */
export function withoutWrappers(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length && WRAPPERS.has(basename(argv[i]!))) {
    i += 1;
    // The wrapper's own options and environment assignments, e.g. `sudo -E`, `env A=b`.
    while (i < argv.length && (/^-/.test(argv[i]!) || ASSIGNMENT.test(argv[i]!))) i += 1;
  }
  return argv.slice(i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A path on the VM made absolute: boot scripts and runcmd run from /. */
export function absolutePath(path: string): string {
  return posix.resolve('/', path);
}

// Unknown variables stay as written (`$NAME`): the simulator cannot know the VM's environment,
// and a reason quoting `$TOKEN` says more than one quoting an empty string.
function expand(word: Word, variables: Map<string, string>): string {
  return word.parts
    .map((p) => ('text' in p ? p.text : (variables.get(p.variable) ?? `$${p.variable}`)))
    .join('');
}

function expandText(text: string, variables: Map<string, string>): string {
  return text.replace(
    /\\([$`\\])|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, escaped: string | undefined, braced: string | undefined, bare: string | undefined) =>
      escaped ?? variables.get((braced ?? bare)!) ?? whole,
  );
}
