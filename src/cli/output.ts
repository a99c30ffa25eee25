/** Output for people (aligned text) and for machines (--json); no colours or bars off a terminal. */
import type { Progress } from '../engine/types';

export const isTerminal = (): boolean => Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatProgress(workflowId: string, p: Progress): string {
  const c = p.counters;
  const lines = [
    `${workflowId}`,
    `  kind ${p.kind}, scope ${p.scope}${p.dryRun ? ' (dry run)' : ''}`,
    `  phase ${p.phase}${p.pausedFrom ? ` (from ${p.pausedFrom})` : ''}${p.pauseReason ? `: ${p.pauseReason}` : ''}  ${p.percent}%`,
    `  units ${c.unitsDone}/${c.unitsTotal} done, ${c.unitsFailed} failed, ${c.unitsSkipped} skipped`,
    `  records read ${c.recordsRead}, written ${c.recordsWritten}, rejected ${c.recordsRejected}`,
    `  bytes in ${formatBytes(c.bytesRead)}, out ${formatBytes(c.bytesWritten)}`,
    `  throttle: concurrency ${p.throttle.concurrency}${p.throttle.unitsPerSecond ? `, ≤ ${p.throttle.unitsPerSecond} units/s` : ''}`,
    `  started ${p.startedAt}${p.finishedAt ? `, finished ${p.finishedAt}` : ''}, runs ${p.runsSoFar}`,
  ];
  if (p.currentUnits.length) lines.push(`  running: ${p.currentUnits.join('; ')}`);
  if (p.validation) lines.push(`  validation: ${p.validation.passed}/${p.validation.checked} passed${p.validation.failed ? `, ${p.validation.failed} failed` : ''}`);
  for (const m of p.validation?.mismatches.slice(0, 5) ?? []) lines.push(`    ${m}`);
  if (p.rollbackReason) lines.push(`  rollback reason: ${p.rollbackReason}`);
  for (const e of p.rollbackFailures) lines.push(`  NOT UNDONE: ${e.unit ?? ''} ${e.code}: ${e.message}`);
  for (const e of p.recentErrors.slice(-5)) lines.push(`  ${e.code}${e.unit ? ` [${e.unit}]` : ''}: ${e.message}`);
  return lines.join('\n');
}
