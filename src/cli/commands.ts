/**
 * Every command's flags, help text and examples, in one table: the parser accepts exactly the flags
 * a command lists, `icsync <command> --help` and `icsync help <command>` print them, and an unknown
 * flag is answered with the valid ones. A new flag is one line in its command's `flags`.
 */

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Placeholder for a string flag's value in the help text, e.g. `<path>`. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  summary: string;
  /** Words after `icsync`, when the command takes a subcommand (`subscriptions ensure`). */
  usage: string;
  flags: Record<string, FlagSpec>;
  examples: string[];
}

const config: FlagSpec = {
  type: 'string',
  value: '<path>',
  help: 'configuration file (default: $ICSYNC_CONFIG or config/icsync.yaml)',
};
const json: FlagSpec = {
  type: 'boolean',
  help: 'print the run report and plan as JSON on stdout, whatever the outcome',
};
const report: FlagSpec = { type: 'string', value: '<path>', help: 'also write the JSON run report to this file' };
const allowEmptySource: FlagSpec = { type: 'boolean', help: 'accept a source that returned no users' };
const allowShrink: FlagSpec = {
  type: 'boolean',
  help: 'accept a source that shrank more than sync.maxSourceShrinkPercent',
};

export const COMMANDS: Record<string, CommandSpec> = {
  diff: {
    summary: 'dry run: read sources and AWS, print the plan; sends no write',
    usage: 'diff [options]',
    flags: { config, json, report, 'allow-empty-source': allowEmptySource, 'allow-shrink': allowShrink },
    examples: ['icsync diff --config /etc/icsync/config.yaml', 'icsync diff --json > plan.json'],
  },
  sync: {
    summary: 'read, plan and apply (blocked plans need --approve <hash>)',
    usage: 'sync [options]',
    flags: {
      config,
      json,
      report,
      approve: {
        type: 'string',
        value: '<hash>',
        help: 'apply exactly the plan with this hash (held by the deletion brake or the shrink guard); any other plan applies nothing',
      },
      queue: { type: 'boolean', help: 'apply through the BullMQ queue and `icsync worker` processes' },
      'allow-empty-source': allowEmptySource,
      'allow-shrink': allowShrink,
    },
    examples: [
      'icsync sync --config /etc/icsync/config.yaml --report /var/lib/icsync/report.json',
      'icsync sync --approve 3f2a9c0d1e4b5a67      # the hash a blocked run or diff printed',
      'icsync sync --queue                         # with `icsync worker` running against the same Redis',
    ],
  },
  'validate-config': {
    summary: 'check the configuration file and the secrets it names',
    usage: 'validate-config [options]',
    flags: { config },
    examples: ['icsync validate-config --config /etc/icsync/config.yaml'],
  },
  worker: {
    summary: 'apply queued plan operations (queue mode) until SIGTERM',
    usage: 'worker [options]',
    flags: { config },
    examples: ['icsync worker --config /etc/icsync/config.yaml'],
  },
  serve: {
    summary: 'receive Graph change notifications and Okta event hooks; re-read and sync',
    usage: 'serve [options]',
    flags: { config },
    examples: ['icsync serve --config /etc/icsync/config.yaml'],
  },
  subscriptions: {
    summary: 'create or renew the Graph change-notification subscriptions',
    usage: 'subscriptions ensure [options]',
    flags: { config },
    examples: ['icsync subscriptions ensure --config /etc/icsync/config.yaml'],
  },
  emulator: {
    summary: 'run the local AWS IAM Identity Center SCIM emulator',
    usage: 'emulator [options]',
    flags: {},
    examples: ['icsync emulator --port 8080 --rate 20'],
  },
};

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  help: { type: 'boolean', help: 'print this help and exit' },
  version: { type: 'boolean', help: 'print the version and exit' },
};

/** The table in node:util parseArgs form. */
export function parseArgsOptions(
  flags: Record<string, FlagSpec>,
): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const all = { ...flags, ...GLOBAL_FLAGS };
  return Object.fromEntries(
    Object.entries(all).map(([name, f]) => [name, name === 'help' ? { type: f.type, short: 'h' } : { type: f.type }]),
  );
}

export function flagList(flags: Record<string, FlagSpec>): string {
  return Object.entries({ ...flags, ...GLOBAL_FLAGS })
    .map(([name, f]) => `--${name}${f.value ? ` ${f.value}` : ''}`)
    .join(', ');
}

export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.flags, ...GLOBAL_FLAGS }).map(([flag, f]) => {
    const left = `--${flag}${f.value ? ` ${f.value}` : ''}`;
    return `  ${left.padEnd(24)} ${f.help}`;
  });
  return [
    `Usage: icsync ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...rows,
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    `Exit codes: icsync --help, or the README's table.`,
  ].join('\n');
}
