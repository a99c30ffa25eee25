/**
 * schema.prisma must describe exactly what the committed SQL creates: Ferry's migrations (schema
 * "ferry") and prisma/app-tables.sql (the application's tables, schema "public"). Both are applied
 * to a fresh database and compared with the schema file column by column.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../../src/config';
import { parsePrismaSchema, postgresTypeOf } from '../../src/db/prisma-schema';
import { openTestContext, type TestContext } from '../support/harness';

let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('schema_drift', { applicationTables: true });
});
afterAll(async () => t?.close());

const models = parsePrismaSchema(readFileSync(path.join(projectRoot, 'prisma', 'schema.prisma'), 'utf8'));

it('has the same tables as the SQL creates, in the same schemas', async () => {
  const tables = await t.db.pool.query<{ name: string }>(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
     WHERE table_schema IN ('ferry', 'public') AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  expect(tables.rows.map((r) => r.name).sort()).toEqual(models.map((m) => `${m.schema}.${m.table}`).sort());
});

it('has the same columns, types and nullability as the SQL creates', async () => {
  const columns = await t.db.pool.query<{ name: string; type: string; nullable: string }>(
    `SELECT table_schema || '.' || table_name || '.' || column_name AS name,
            CASE WHEN data_type = 'ARRAY' THEN 'ARRAY ' || udt_name ELSE data_type END AS type, is_nullable AS nullable
     FROM information_schema.columns c
     WHERE table_schema IN ('ferry', 'public') AND table_name <> '_prisma_migrations'
       AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')`,
  );
  const actual = columns.rows.map((r) => `${r.name} ${r.type} ${r.nullable === 'YES' ? 'null' : 'not null'}`).sort();
  // Prisma creates list columns without NOT NULL.
  const expected = models.flatMap((m) => m.columns.map((c) => `${m.schema}.${m.table}.${c.column} ${postgresTypeOf(c)} ${c.optional || c.list ? 'null' : 'not null'}`)).sort();
  expect(actual).toEqual(expected);
});

it('has the same primary keys as the SQL creates', async () => {
  const keys = await t.db.pool.query<{ name: string; columns: string }>(
    `SELECT tc.table_schema || '.' || tc.table_name AS name, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) AS columns
     FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema IN ('ferry', 'public') AND tc.table_name <> '_prisma_migrations'
     GROUP BY 1`,
  );
  const actual = Object.fromEntries(keys.rows.map((r) => [r.name, r.columns]));
  const expected = Object.fromEntries(models.map((m) => {
    const fieldToColumn = new Map(m.columns.map((c) => [c.field, c.column]));
    const key = m.compositeId?.map((f) => fieldToColumn.get(f)) ?? m.columns.filter((c) => c.id).map((c) => c.column);
    return [`${m.schema}.${m.table}`, key.join(',')];
  }));
  expect(actual).toEqual(expected);
});
