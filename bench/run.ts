/**
 * `npm run bench -- <name> [--size N …]`: runs bench/<name>.ts on freshly started embedded
 * services, prints each figure with its ratio to a baseline measured in the same run, and saves the
 * figures under data/bench/. Each benchmark's sizes are flags with documented defaults.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printAndSave, type BenchResult } from './support/report';

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(path.join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name> [--flag value …]\navailable: ${available.join(', ') || '(none yet)'}`);
  process.exit(2);
}
const args: Record<string, string> = {};
for (let i = 0; i < rest.length; i++) {
  const flag = rest[i];
  if (!flag.startsWith('--')) continue;
  const next = rest[i + 1];
  if (next !== undefined && !next.startsWith('--')) {
    args[flag.slice(2)] = next;
    i++;
  } else {
    args[flag.slice(2)] = 'true';
  }
}
const bench = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { default: (args: Record<string, string>) => Promise<BenchResult> };
const result = await bench.default(args);
printAndSave(result);
process.exit(0);
