/**
 * The operations and architecture pages against the code they describe: the settings table lists
 * exactly the environment variables src/config.ts reads, and the phase diagram has every phase.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { environmentVariables, projectRoot } from '../../src/config';
import { phases } from '../../src/engine/types';
import { searchAttributeFlags } from '../../src/search-attributes';

const read = (file: string) => readFileSync(path.join(projectRoot, 'docs', file), 'utf8');

it('docs/operations.md lists every environment variable src/config.ts reads, and no other', () => {
  const documented = [...read('operations.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
  expect(documented).toEqual(Object.keys(environmentVariables).sort());
});

it('docs/operations.md registers every search attribute with its type', () => {
  const text = read('operations.md');
  const attributes = searchAttributeFlags().filter((flag) => flag !== '--search-attribute').map((flag) => flag.split('='));
  expect(attributes).toHaveLength(4);
  for (const [name, type] of attributes) {
    expect(text).toContain(`temporal operator search-attribute create --namespace ferry --name ${name} --type ${type}`);
  }
});

it("docs/architecture.md's diagram has every phase", () => {
  const diagram = /```mermaid\n([\s\S]*?)```/.exec(read('architecture.md'))?.[1] ?? '';
  const states = new Set([...diagram.matchAll(/(\w+)\s*-->\s*(\w+|\[\*\])/g)].flatMap((m) => [m[1], m[2]]));
  for (const phase of phases) expect(states, `phase ${phase}`).toContain(phase.replaceAll('-', '_'));
});
