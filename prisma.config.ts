// Configuration for the Prisma CLI. Ferry applies its migrations itself at start-up
// (src/db/apply-migrations.ts); this file keeps the layout a real `prisma migrate deploy`
// on a connected machine expects, and tells Prisma which tables belong to the application.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'prisma/config';

const applicationTables = [
  'sessions', 'laps', 'telemetry_sources', 'lap_telemetry', 'telemetry_channels',
  'config_profiles', 'config_applied_events', 'runs', 'run_samples', 'logger_events',
  'logbook_entries', 'goals', 'practice_sessions', 'sync_data', 'migration_runs',
].map((table) => `public.${table}`);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { externalTables: true },
  tables: { external: applicationTables },
  migrations: {
    path: 'prisma/migrations',
    // The application's tables exist before Ferry's migrations run; the shadow database needs them too.
    initShadowDb: readFileSync('prisma/app-tables.sql', 'utf8'),
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/ferry',
  },
});
