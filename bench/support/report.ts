/**
 * Benchmark figures: each printed with its ratio to a baseline measured in the same run, and saved
 * as JSON under data/bench/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config';

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The name of the figure this one is compared with (measured in the same run). */
  readonly baseline?: string;
  /** A target for the ratio to the baseline, for the printout ("≥ 0.5"). */
  readonly target?: { readonly atLeast?: number; readonly atMost?: number };
  readonly note?: string;
}

export interface BenchResult {
  readonly name: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly figures: readonly Figure[];
}

export function ratioOf(figure: Figure, all: readonly Figure[]): number | undefined {
  const base = figure.baseline ? all.find((f) => f.name === figure.baseline) : undefined;
  return base && base.value !== 0 ? figure.value / base.value : undefined;
}

export function printAndSave(result: BenchResult, dir = path.join(projectRoot, 'data', 'bench')): string {
  const lines = [`benchmark ${result.name} ${JSON.stringify(result.parameters)}`];
  for (const figure of result.figures) {
    const ratio = ratioOf(figure, result.figures);
    let verdict = '';
    if (ratio !== undefined && figure.target) {
      const ok = (figure.target.atLeast === undefined || ratio >= figure.target.atLeast) && (figure.target.atMost === undefined || ratio <= figure.target.atMost);
      verdict = ` target ${figure.target.atLeast !== undefined ? `≥ ${figure.target.atLeast}` : `≤ ${figure.target.atMost}`}: ${ok ? 'met' : 'NOT met'}`;
    }
    lines.push(
      `  ${figure.name.padEnd(44)} ${format(figure.value).padStart(14)} ${figure.unit.padEnd(12)}` +
        (ratio !== undefined ? ` ratio to ${figure.baseline}: ${ratio.toFixed(3)}${verdict}` : '') +
        (figure.note ? `  (${figure.note})` : ''),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const withRatios = { ...result, at: new Date().toISOString(), figures: result.figures.map((f) => ({ ...f, ratio: ratioOf(f, result.figures) })) };
  writeFileSync(file, `${JSON.stringify(withRatios, null, 2)}\n`);
  process.stdout.write(`saved ${path.relative(projectRoot, file)}\n`);
  return file;
}

function format(value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(3);
}
