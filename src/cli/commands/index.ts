// The subcommands of `memprof`, in the order `memprof --help` lists them. A new subcommand is a module
// in this folder exporting a Command, added here.
import type { Command } from '../command';
import { attachCommand } from './attach';
import { checkCommand } from './check';
import { cleanCommand } from './clean';
import { exportCommand } from './export';
import { diffCommand } from './diff';
import { leaksCommand } from './leaks';
import { listCommand } from './list';
import { peakCommand } from './peak';
import { plotCommand } from './plot';
import { rmCommand } from './rm';
import { reportCommand } from './report';
import { runCommand } from './run';
import { snapshotCommand } from './snapshot';

export const SUBCOMMANDS: readonly Command[] = [
  runCommand,
  attachCommand,
  snapshotCommand,
  listCommand,
  cleanCommand,
  rmCommand,
  peakCommand,
  plotCommand,
  reportCommand,
  exportCommand,
  leaksCommand,
  checkCommand,
  diffCommand,
];

export function findSubcommand(word: string | undefined): Command | undefined {
  return SUBCOMMANDS.find((command) => command.name === word);
}
