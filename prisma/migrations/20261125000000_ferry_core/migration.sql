-- Ferry's own bookkeeping, in a schema of its own so that it never touches the application's tables.
CREATE SCHEMA IF NOT EXISTS "ferry";

-- CreateTable
CREATE TABLE "ferry"."migrations" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "phase" TEXT NOT NULL,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "migrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ferry"."unit_ledger" (
    "migration_id" TEXT NOT NULL,
    "unit_key" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "checksum" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unit_ledger_pkey" PRIMARY KEY ("migration_id","unit_key","step")
);

-- CreateTable
CREATE TABLE "ferry"."quarantine" (
    "id" BIGSERIAL NOT NULL,
    "migration_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "unit_key" TEXT NOT NULL,
    "record_ref" TEXT NOT NULL,
    "line_number" INTEGER,
    "raw" TEXT,
    "code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quarantine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ferry"."feature_flags" (
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ferry"."health_checks" (
    "id" BIGSERIAL NOT NULL,
    "note" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "health_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "migrations_kind_phase_idx" ON "ferry"."migrations"("kind", "phase");

-- CreateIndex
CREATE INDEX "quarantine_migration_id_idx" ON "ferry"."quarantine"("migration_id");
