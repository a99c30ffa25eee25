-- The units a migration's inventory listed, numbered in inventory order, so that batches travel
-- through workflow history as ordinal ranges instead of lists of keys.
-- CreateTable
CREATE TABLE "ferry"."units" (
    "migration_id" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "unit_key" TEXT NOT NULL,
    "records" BIGINT,
    "bytes" BIGINT,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "units_pkey" PRIMARY KEY ("migration_id","ordinal")
);

-- CreateIndex
CREATE UNIQUE INDEX "units_migration_id_unit_key_key" ON "ferry"."units"("migration_id", "unit_key");

-- A record is quarantined once per migration, however often its step is retried.
-- CreateIndex
CREATE UNIQUE INDEX "quarantine_migration_id_unit_key_record_ref_key" ON "ferry"."quarantine"("migration_id", "unit_key", "record_ref");
