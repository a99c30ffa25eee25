/**
 * Replay fixtures: with FERRY_RECORD_HISTORIES=1, tests that call this save the histories of the
 * workflows they ran under test/engine/histories/, where replay.test.ts replays them against the
 * current workflow code. Re-record only on purpose: old histories are what guard old runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { projectRoot } from '../../src/config';

export const historiesDir = path.join(projectRoot, 'test', 'engine', 'histories');

export async function recordHistoryIfAsked(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.FERRY_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  // protobuf's own JSON form (enum names, base64 bytes, 64-bit numbers as strings), read back by loadHistory.
  writeFileSync(path.join(historiesDir, `${name}.json`), JSON.stringify(history));
}

/** Reads a recorded history back into the protobuf message the replayer takes. */
export function loadHistory(json: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(json));
}
