import { describe, expect, it } from 'vitest';
import { parsePrismaSchema, postgresTypeOf } from '../../src/db/prisma-schema';

const sample = `
// a comment with model Fake { x Int }
model Thing {
  id        Int       @id @default(autoincrement())
  ownerId   String    @map("owner_id")
  tags      Float[]
  note      String?
  at        DateTime  @default(now()) @map("created_at") @db.Timestamptz(6)
  payload   Json      @default("{}")

  @@map("things")
  @@schema("ferry")
}

model Pair {
  a String
  b Int
  @@id([a, b])
}
`;

describe('parsePrismaSchema', () => {
  const [thing, pair] = parsePrismaSchema(sample);

  it('reads table and schema names from @@map and @@schema, defaulting to the model name and public', () => {
    expect([thing.table, thing.schema, pair.table, pair.schema]).toEqual(['things', 'ferry', 'Pair', 'public']);
  });

  it('reads column names, optionality, lists, native types and ids', () => {
    expect(thing.columns.map((c) => [c.column, c.optional, c.list, c.id])).toEqual([
      ['id', false, false, true], ['owner_id', false, false, false], ['tags', false, true, false],
      ['note', true, false, false], ['created_at', false, false, false], ['payload', false, false, false],
    ]);
    expect(pair.compositeId).toEqual(['a', 'b']);
  });

  it('maps Prisma types to the PostgreSQL types migrations create', () => {
    expect(thing.columns.map(postgresTypeOf)).toEqual(['integer', 'text', 'ARRAY _float8', 'text', 'timestamp with time zone', 'jsonb']);
  });

  it('refuses a field type it does not know, naming the field', () => {
    expect(() => parsePrismaSchema('model A {\n  b Widget\n}')).toThrow(/A\.b has type Widget/);
  });
});
