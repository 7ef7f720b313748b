import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';

/** The flags README's command block shows for each command, from its `icsync <command> …` lines. */
function readmeFlags(): Map<string, Set<string>> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Commands'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const flags = new Map<string, Set<string>>();
  for (const line of block.split('\n')) {
    const command = /^icsync ([a-z-]+)/.exec(line)?.[1];
    if (!command || !(command in COMMANDS)) continue;
    const shown = flags.get(command) ?? new Set<string>();
    for (const [, flag] of line.replace(/#.*$/, '').matchAll(/--([a-z-]+)/g)) shown.add(flag!);
    flags.set(command, shown);
  }
  return flags;
}

describe("README's command block", () => {
  const shown = readmeFlags();
  // The emulator parses its own switches (`icsync emulator --help`).
  const documented = Object.entries(COMMANDS).filter(([name]) => name !== 'emulator');

  it.each(documented)('shows %s with exactly the flags the command accepts', (name, spec) => {
    expect([...(shown.get(name) ?? [])].sort()).toEqual(Object.keys(spec.flags).sort());
  });
});
