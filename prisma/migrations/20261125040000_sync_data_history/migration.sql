-- backend-to-sync-data: what each run did to sync_data, so that a run can be undone exactly.
-- One row per converted unit (a batch of source records): its counts and, for every sync_data row
-- it created, updated or marked deleted, the version it wrote and the row as it was before (JSON
-- null when the row did not exist). Written in the same transaction as the change itself.
-- CreateTable
CREATE TABLE "ferry"."sync_data_history" (
    "migration_id" TEXT NOT NULL,
    "unit_key" TEXT NOT NULL,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "entries" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_data_history_pkey" PRIMARY KEY ("migration_id","unit_key")
);

-- Units whose validation passed, so the last one can close the run in migration_runs.
-- CreateTable
CREATE TABLE "ferry"."sync_data_checks" (
    "migration_id" TEXT NOT NULL,
    "unit_key" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "checked_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_data_checks_pkey" PRIMARY KEY ("migration_id","unit_key")
);

-- The application's read switch as it was before a migration's cutover (NULL: no flag row).
-- CreateTable
CREATE TABLE "ferry"."sync_data_cutovers" (
    "migration_id" TEXT NOT NULL,
    "flag_name" TEXT NOT NULL,
    "previous_enabled" BOOLEAN,
    "switched_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_data_cutovers_pkey" PRIMARY KEY ("migration_id")
);
