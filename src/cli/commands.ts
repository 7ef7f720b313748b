/**
 * Every command's flags, help text and examples, in one table: the parser accepts exactly the flags
 * a command lists, `icsync <command> --help` and `icsync help <command>` print them, and an unknown
 * flag is answered with the valid ones. A new flag is one line in its command's `flags`.
 */

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** A string flag that may be given more than once (its values arrive as a list). */
  multiple?: boolean;
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
const full: FlagSpec = { type: 'boolean', help: 'print every row of the plan (default: 8 per kind)' };
const only: FlagSpec = {
  type: 'string',
  multiple: true,
  value: '<kind>:<name>',
  help: 'just user:<userName or source id> / group:<displayName or source id> and their memberships (repeatable)',
};
const allowEmptySource: FlagSpec = { type: 'boolean', help: 'accept a source that returned no users' };
const allowShrink: FlagSpec = {
  type: 'boolean',
  help: 'accept a source that shrank more than sync.maxSourceShrinkPercent',
};

export const COMMANDS: Record<string, CommandSpec> = {
  diff: {
    summary: 'dry run: read sources and AWS, print the plan; sends no write',
    usage: 'diff [options]',
    flags: { config, json, report, full, only, 'allow-empty-source': allowEmptySource, 'allow-shrink': allowShrink },
    examples: [
      'icsync diff --config /etc/icsync/config.yaml',
      'icsync diff --full                          # every row, old → new for each changed attribute',
      'icsync diff --json > plan.json              # docs/plan-json.md describes the document',
      'icsync diff --only user:alice@example.com   # one person and their memberships',
    ],
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
      full,
      only,
      'allow-empty-source': allowEmptySource,
      'allow-shrink': allowShrink,
    },
    examples: [
      'icsync sync --config /etc/icsync/config.yaml --report /var/lib/icsync/report.json',
      'icsync sync --approve 3f2a9c0d1e4b5a67      # the hash a blocked run or diff printed',
      'icsync sync --queue                         # with `icsync worker` running against the same Redis',
      'icsync sync --only user:alice@example.com   # provision one person before a full run',
    ],
  },
  'validate-config': {
    summary: 'check the configuration file, the secrets and files it names (--online: also sign in)',
    usage: 'validate-config [options]',
    flags: {
      config,
      online: {
        type: 'boolean',
        help: 'also sign in to each source and AWS and make one small read; one line per check',
      },
    },
    examples: [
      'icsync validate-config --config /etc/icsync/config.yaml',
      'icsync validate-config --online             # what `helm test` runs',
    ],
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
  export: {
    summary: 'print every managed group or user with its source id and AWS id; sends no write',
    usage: 'export groups|users [options]',
    flags: {
      config,
      format: { type: 'string', value: '<format>', help: 'json (default), csv or yaml' },
    },
    examples: ['icsync export groups --format csv', 'icsync export users --format yaml'],
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
): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  const all = { ...flags, ...GLOBAL_FLAGS };
  return Object.fromEntries(
    Object.entries(all).map(([name, f]) => [
      name,
      { type: f.type, ...(name === 'help' ? { short: 'h' } : {}), ...(f.multiple ? { multiple: true } : {}) },
    ]),
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
