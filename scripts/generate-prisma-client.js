#!/usr/bin/env node
// Generates the Prisma Client into src/generated/prisma (run by `npm install`).
// The Prisma CLI fetches its native schema engine at start-up for every command, even `generate`,
// which never uses it; on a machine without internet that fetch fails. When no engine is named,
// point PRISMA_SCHEMA_ENGINE_BINARY at a placeholder so `generate` goes ahead offline.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-prisma-')), 'schema-engine');
  writeFileSync(placeholder, '#!/bin/sh\necho "schema engine not available offline" >&2\nexit 1\n');
  chmodSync(placeholder, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
if (!existsSync(cli)) {
  console.error('prisma is not installed; run npm install first');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
