-- The application tables that Ferry's built-in migrations read and write. They belong to the
-- user's application, so Ferry never runs this file against a user's database on its own: only
-- `ferry seed` (sample data), the tests and the shadow database of `prisma migrate` use it.
-- Every statement is idempotent. Keep it in step with the "public" models of schema.prisma
-- (test/db/schema-drift.test.ts checks).

-- telemetry-to-parquet
CREATE TABLE IF NOT EXISTS "public"."sessions" (
    "id" SERIAL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "track" TEXT,
    "started_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS "public"."laps" (
    "id" SERIAL PRIMARY KEY,
    "session_id" INTEGER NOT NULL,
    "lap_number" INTEGER NOT NULL,
    "lap_time_ms" INTEGER
);
CREATE INDEX IF NOT EXISTS "laps_session_id_idx" ON "public"."laps"("session_id");
CREATE TABLE IF NOT EXISTS "public"."telemetry_sources" (
    "id" SERIAL PRIMARY KEY,
    "session_id" INTEGER NOT NULL,
    "source_type" TEXT NOT NULL,
    "file_name" TEXT,
    "imported_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS "telemetry_sources_session_id_idx" ON "public"."telemetry_sources"("session_id");
CREATE TABLE IF NOT EXISTS "public"."lap_telemetry" (
    "id" SERIAL PRIMARY KEY,
    "session_id" INTEGER NOT NULL,
    "lap_id" INTEGER,
    "lap_number" INTEGER NOT NULL,
    "time" DOUBLE PRECISION[],
    "distance" DOUBLE PRECISION[],
    "lat" DOUBLE PRECISION[],
    "long" DOUBLE PRECISION[],
    "speed" DOUBLE PRECISION[],
    "rpm" DOUBLE PRECISION[],
    "throttle" DOUBLE PRECISION[],
    "brake" DOUBLE PRECISION[],
    "gear" DOUBLE PRECISION[],
    "steering" DOUBLE PRECISION[],
    "glat" DOUBLE PRECISION[],
    "glong" DOUBLE PRECISION[]
);
CREATE INDEX IF NOT EXISTS "lap_telemetry_session_id_lap_number_idx" ON "public"."lap_telemetry"("session_id", "lap_number");
CREATE TABLE IF NOT EXISTS "public"."telemetry_channels" (
    "id" SERIAL PRIMARY KEY,
    "lap_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "data" DOUBLE PRECISION[]
);
CREATE INDEX IF NOT EXISTS "telemetry_channels_lap_id_idx" ON "public"."telemetry_channels"("lap_id");

-- csv-to-runs
CREATE TABLE IF NOT EXISTS "public"."config_profiles" (
    "id" SERIAL PRIMARY KEY,
    "profile_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "checksum" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS "config_profiles_checksum_key" ON "public"."config_profiles"("checksum");
CREATE TABLE IF NOT EXISTS "public"."config_applied_events" (
    "id" SERIAL PRIMARY KEY,
    "profile_id" INTEGER NOT NULL,
    "applied_by" TEXT NOT NULL,
    "applied_at" TIMESTAMPTZ(6) NOT NULL
);
CREATE TABLE IF NOT EXISTS "public"."runs" (
    "id" SERIAL PRIMARY KEY,
    "started_at" TIMESTAMPTZ(6) NOT NULL,
    "status" TEXT NOT NULL,
    "config_profile_id" INTEGER,
    "source_file" TEXT
);
CREATE TABLE IF NOT EXISTS "public"."run_samples" (
    "id" BIGSERIAL PRIMARY KEY,
    "run_id" INTEGER NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL,
    "t1_feed" DOUBLE PRECISION,
    "t2_mid" DOUBLE PRECISION,
    "t3_nozzle" DOUBLE PRECISION,
    "t_motor" DOUBLE PRECISION,
    "target_z1" DOUBLE PRECISION,
    "target_z2" DOUBLE PRECISION,
    "pwr_z1_pct" DOUBLE PRECISION,
    "pwr_z2_pct" DOUBLE PRECISION,
    "rpm_main" DOUBLE PRECISION,
    "rpm_feed" DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS "run_samples_run_id_recorded_at_idx" ON "public"."run_samples"("run_id", "recorded_at");
CREATE TABLE IF NOT EXISTS "public"."logger_events" (
    "id" BIGSERIAL PRIMARY KEY,
    "run_id" INTEGER,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "logger_events_run_id_idx" ON "public"."logger_events"("run_id");

-- backend-to-sync-data
CREATE TABLE IF NOT EXISTS "public"."logbook_entries" (
    "id" TEXT PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "duration" INTEGER,
    "type" TEXT,
    "instrument" TEXT,
    "pieces" TEXT,
    "techniques" TEXT,
    "goal_ids" TEXT,
    "notes" TEXT,
    "mood" TEXT,
    "tags" TEXT,
    "metadata" TEXT,
    "created_at" BIGINT NOT NULL,
    "updated_at" BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS "logbook_entries_updated_at_idx" ON "public"."logbook_entries"("updated_at");
CREATE TABLE IF NOT EXISTS "public"."goals" (
    "id" TEXT PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "target_date" BIGINT,
    "progress" INTEGER,
    "milestones" TEXT,
    "status" TEXT,
    "linked_entries" TEXT,
    "created_at" BIGINT NOT NULL,
    "updated_at" BIGINT NOT NULL,
    "completed_at" BIGINT
);
CREATE INDEX IF NOT EXISTS "goals_updated_at_idx" ON "public"."goals"("updated_at");
CREATE TABLE IF NOT EXISTS "public"."practice_sessions" (
    "id" TEXT PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "instrument" TEXT,
    "session_type" TEXT,
    "sheet_music_id" TEXT,
    "started_at" BIGINT NOT NULL,
    "completed_at" BIGINT,
    "paused_duration" INTEGER,
    "accuracy_percentage" DOUBLE PRECISION,
    "notes_attempted" INTEGER,
    "notes_correct" INTEGER,
    "created_at" BIGINT NOT NULL,
    "updated_at" BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS "practice_sessions_updated_at_idx" ON "public"."practice_sessions"("updated_at");
CREATE TABLE IF NOT EXISTS "public"."sync_data" (
    "id" BIGSERIAL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "checksum" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(6)
);
CREATE UNIQUE INDEX IF NOT EXISTS "sync_data_user_id_entity_type_entity_id_key" ON "public"."sync_data"("user_id", "entity_type", "entity_id");
CREATE TABLE IF NOT EXISTS "public"."migration_runs" (
    "id" SERIAL PRIMARY KEY,
    "workflow_id" TEXT,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(6),
    "status" TEXT NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "watermark" BIGINT
);
