// How the report names a profile and describes a node, in the page's menu, headings and tooltips.
// Browser-safe. Everything here comes from files on disk: the callers escape it (SVG) or set it as
// text (the page's script).
import type { AllocationData, ProfileData } from './data';
import { nodeLocation, nodeName, type FlameNode } from './flame-tree';
import { formatBytes, formatShare } from './format';

/** The command line, shortened: the script rather than the Node binary's path. */
export function commandOf(profile: ProfileData): string {
  const [node, ...rest] = profile.argv;
  const program = node ? node.slice(node.lastIndexOf('/') + 1) : 'node';
  return [program, ...rest.map((arg) => arg.slice(arg.lastIndexOf('/') + 1))].join(' ');
}

export function threadOf(profile: ProfileData): string {
  return profile.threadId === 0 ? 'main thread' : `worker thread ${profile.threadId}`;
}

export function whenOf(profile: ProfileData): string {
  switch (profile.reason) {
    case 'exit':
      return 'at exit';
    case 'signal':
      return 'on an ending signal';
    case 'snapshot':
      return `snapshot ${profile.snapshot ?? ''}`.trim();
    case 'terminated':
      return 'as it was terminated';
    case 'main-thread-exit':
      return 'as the process exited';
  }
}

/** What the profile's bytes are: everything allocated, or what was still alive when it was written. */
export function kindOf(profile: ProfileData): string {
  return profile.kind === 'allocated' ? 'allocated (collected later or not)' : `still live ${whenOf(profile)}`;
}

/** One line for the profile menu: process, thread, kind, when. */
export function profileTitle(profile: ProfileData): string {
  return `pid ${profile.pid} ${threadOf(profile)}: ${profile.kind === 'allocated' ? 'allocated' : 'still live'}, ${whenOf(profile)} (${commandOf(profile)})`;
}

export function profileSummary(profile: ProfileData): string {
  return `${formatBytes(profile.totalBytes)} ${kindOf(profile)} in ${profile.totalSamples} samples, one every ${formatBytes(profile.samplingInterval)} on average; ${((profile.writtenAt - profile.startedAt) / 1000).toFixed(1)} s of sampling`;
}

/** The tooltip's lines for a node: [label, value]; the first is the node's name alone. */
export function nodeDetails(node: FlameNode, whole: number): Array<[string, string]> {
  const lines: Array<[string, string]> = [['', nodeName(node)]];
  const location = nodeLocation(node);
  if (location) lines.push(['where', location]);
  if (node.frame?.generated && node.folded === undefined) lines.push(['generated', node.frame.generated]);
  if (node.folded !== undefined) lines.push(['folded', `${node.merged} frame${node.merged === 1 ? '' : 's'} of the package`]);
  lines.push(['total', `${formatBytes(node.totalBytes)} (${formatShare(node.totalBytes, whole)})`]);
  lines.push(['self', `${formatBytes(node.selfBytes)} (${formatShare(node.selfBytes, whole)})`]);
  lines.push(['samples', `${node.totalSamples} (${node.selfSamples} in itself)`]);
  return lines;
}

/** The same, in one line per entry, for an SVG <title>. */
export function nodeTitle(node: FlameNode, whole: number): string {
  return nodeDetails(node, whole)
    .map(([label, value]) => (label ? `${label}: ${value}` : value))
    .join('\n');
}

/** The report's title: the one given, or the command of its first process. */
export function reportTitle(data: AllocationData): string {
  return data.title || (data.profiles[0] ? commandOf(data.profiles[0]) : 'allocations');
}
