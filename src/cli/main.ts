// The operator's command line: `vpsie-autoscaler <command> [flags]`.
import { loadConfig } from '../config';
import { renderCloudInitPreview } from './render-cloud-init';
import { pauseScaleDown, resumeScaleDown, scaleDownPauseStatus } from './scale-down-pause';

const USAGE = `Usage: vpsie-autoscaler <command> [flags]

Commands:
  render-cloud-init --namespace NS --nodegroup NAME [--kubeconfig PATH]
      Print the cloud-init user-data a new node of the NodeGroup would get (dry run: nothing is
      created, the join token is masked).
  pause-scale-down [--nodegroup NS/NAME] [--for 2h] --reason TEXT [--by NAME]
      Pause scale-down for one NodeGroup or cluster-wide. Running scale-downs stop before their
      next destructive step; the pause shows in NodeGroup status.
  resume-scale-down [--nodegroup NS/NAME] [--by NAME]
  scale-down-status [--nodegroup NS/NAME]

Temporal connection: VPSIE_AUTOSCALER_TEMPORAL_ADDRESS, _TEMPORAL_NAMESPACE, _TEMPORAL_TASK_QUEUE
(defaults 127.0.0.1:7233, default, vpsie-autoscaler).
`;

/** `--name value` and `--name=value` flags; anything else is an error naming it. */
export function parseFlags(args: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !allowed.includes(match[1]!)) {
      throw new Error(
        `unknown argument "${arg}"; allowed: ${allowed.map((a) => `--${a}`).join(', ')}`,
      );
    }
    const value = match[2] ?? args[++i];
    // `--reason --by alice` must not take "--by" as the reason (`--reason=--x` still can).
    if (value === undefined || value === '' || (match[2] === undefined && value.startsWith('--')))
      throw new Error(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  return flags;
}

function required(flags: Record<string, string>, name: string): string {
  const value = flags[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

/** Temporal connection settings from the environment and defaults, as the worker reads them. */
function temporalConfig() {
  return loadConfig({ argv: [], env: process.env }).config;
}

export async function runCli(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'render-cloud-init': {
      const flags = parseFlags(rest, ['namespace', 'nodegroup', 'kubeconfig']);
      return renderCloudInitPreview({
        namespace: required(flags, 'namespace'),
        nodeGroup: required(flags, 'nodegroup'),
        kubeconfig: flags.kubeconfig,
      });
    }
    case 'pause-scale-down': {
      const flags = parseFlags(rest, ['nodegroup', 'for', 'reason', 'by']);
      const state = await pauseScaleDown(
        temporalConfig(),
        { nodeGroup: flags.nodegroup },
        {
          reason: required(flags, 'reason'),
          for: flags.for,
          by: flags.by ?? process.env.USER,
        },
      );
      return JSON.stringify(state, null, 2);
    }
    case 'resume-scale-down': {
      const flags = parseFlags(rest, ['nodegroup', 'by']);
      return JSON.stringify(
        await resumeScaleDown(
          temporalConfig(),
          { nodeGroup: flags.nodegroup },
          flags.by ?? process.env.USER,
        ),
        null,
        2,
      );
    }
    case 'scale-down-status': {
      const flags = parseFlags(rest, ['nodegroup']);
      return JSON.stringify(
        await scaleDownPauseStatus(temporalConfig(), { nodeGroup: flags.nodegroup }),
        null,
        2,
      );
    }
    case undefined:
    case 'help':
    case '--help':
      return USAGE;
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (out) => process.stdout.write(out.endsWith('\n') ? out : `${out}\n`),
    (err: unknown) => {
      process.stderr.write(
        `vpsie-autoscaler: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
