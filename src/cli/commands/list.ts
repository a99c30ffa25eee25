/** `ferry list`: migrations known to the Temporal server, newest first, with kind, phase and progress. */
import type { Command } from 'commander';
import { kindAttribute, phaseAttribute, progressAttribute, scopeAttribute } from '../../search-attributes';
import { openSession } from '../connect';
import type { CliContext } from '../context';
import { formatTable, printJson } from '../output';

export function registerListCommand(program: Command, context: CliContext): void {
  program
    .command('list')
    .description('list migrations (newest first)')
    .option('--kind <kind>', 'only this kind')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 50)
    .option('--json', 'print machine-readable output')
    .action(async (flags: { kind?: string; limit: number; json?: boolean }) => {
      const session = await openSession(context().config);
      try {
        const query = [`WorkflowType = 'migrationWorkflow'`, flags.kind ? `${kindAttribute.name} = '${flags.kind.replace(/'/g, '')}'` : undefined].filter(Boolean).join(' AND ');
        const rows = [];
        for await (const execution of session.client.workflow.list({ query })) {
          const attrs = execution.typedSearchAttributes;
          rows.push({
            workflowId: execution.workflowId,
            runId: execution.runId,
            status: execution.status.name,
            kind: attrs.get(kindAttribute) ?? '',
            scope: attrs.get(scopeAttribute) ?? '',
            phase: attrs.get(phaseAttribute) ?? '',
            progress: attrs.get(progressAttribute) ?? 0,
            started: execution.startTime.toISOString(),
          });
          if (rows.length >= flags.limit) break;
        }
        if (flags.json) printJson(rows);
        else process.stdout.write(`${formatTable(['ID', 'KIND', 'PHASE', 'PROGRESS', 'STATUS', 'STARTED'], rows.map((r) => [r.workflowId, r.kind, r.phase, `${r.progress}%`, r.status, r.started]))}\n`);
      } finally {
        await session.close();
      }
    });
}
