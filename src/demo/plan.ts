/**
 * What the demo runs: modest sample data for each kind, and how each migration is driven — one
 * plainly, one gated on approval and approved, one rolled back by a signal after its cutover.
 */
export type DemoStyle = 'plain' | 'approve' | 'rollback-after-cutover';

export interface DemoMigration {
  readonly kind: string;
  readonly seedArgs: readonly string[];
  readonly startArgs: readonly string[];
  readonly style: DemoStyle;
  readonly story: string;
}

export const demoPlan: readonly DemoMigration[] = [
  {
    kind: 'telemetry-to-parquet',
    seedArgs: ['--sessions', '4', '--laps', '6', '--samples', '1500', '--seed', '11'],
    startArgs: ['--batch-size', '1', '--concurrency', '2'],
    style: 'plain',
    story: 'lap telemetry arrays in PostgreSQL → one Parquet file per session, old rows archived',
  },
  {
    kind: 'csv-to-runs',
    seedArgs: ['--files', '6', '--rows', '2000', '--seed', '12'],
    startArgs: ['--batch-size', '2', '--concurrency', '2', '--require-approval'],
    style: 'approve',
    story: 'process-logger CSV files → runs, samples and events tables, gated on approval',
  },
  {
    kind: 'backend-to-sync-data',
    seedArgs: ['--users', '20', '--entries', '600', '--seed', '13'],
    startArgs: ['--batch-size', '4', '--concurrency', '2', '--cutover', '--rollback-window', '600'],
    style: 'rollback-after-cutover',
    story: 'legacy app tables → sync_data, cut over, then rolled back by a signal',
  },
  {
    kind: 'monolithic-to-chunked',
    seedArgs: ['--sessions', '40', '--seed', '14', '--large', '1'],
    startArgs: ['--batch-size', '5', '--concurrency', '2'],
    style: 'plain',
    story: 'monolithic session documents → chunked storage, backups kept 30 days',
  },
];
