-- csv-to-runs: every byte range of a CSV log (or configuration file) a migration ingested, with what
-- it wrote, so that a re-run skips unchanged files, a grown file gets only its new lines, and a
-- rollback deletes exactly this migration's rows. Written in the same transaction as the rows.
-- CreateTable
CREATE TABLE "ferry"."csv_ingested_files" (
    "id" BIGSERIAL NOT NULL,
    "migration_id" TEXT NOT NULL,
    "unit_key" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "from_offset" BIGINT NOT NULL,
    "to_offset" BIGINT NOT NULL,
    "from_line" INTEGER NOT NULL,
    "to_line" INTEGER NOT NULL,
    "file_size" BIGINT NOT NULL,
    "prefix_sha256" TEXT NOT NULL,
    "header" JSONB NOT NULL DEFAULT '[]',
    "lines_ingested" INTEGER NOT NULL DEFAULT 0,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "events" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "run_id" INTEGER,
    "run_created" BOOLEAN NOT NULL DEFAULT false,
    "first_sample_id" BIGINT,
    "last_sample_id" BIGINT,
    "first_event_id" BIGINT,
    "last_event_id" BIGINT,
    "profile_id" INTEGER,
    "profile_created" BOOLEAN NOT NULL DEFAULT false,
    "applied_event_id" INTEGER,
    "samples_sha256" TEXT,
    "events_sha256" TEXT,
    "ingested_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "csv_ingested_files_pkey" PRIMARY KEY ("id")
);

-- A byte range of a file's content is ingested at most once, whichever migration tries.
-- CreateIndex
CREATE UNIQUE INDEX "csv_ingested_files_file_path_from_offset_prefix_sha256_key" ON "ferry"."csv_ingested_files"("file_path", "from_offset", "prefix_sha256");

-- CreateIndex
CREATE INDEX "csv_ingested_files_migration_id_idx" ON "ferry"."csv_ingested_files"("migration_id");
