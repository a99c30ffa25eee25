/**
 * A small reader of schema.prisma: models with their table, PostgreSQL schema and columns (name,
 * scalar type, list, optional, native type), enough to compare the schema file with a database.
 * It reads the subset of the Prisma language this project uses; an unknown attribute is ignored,
 * an unknown field type is an error.
 */
export interface PrismaColumn {
  readonly field: string;
  readonly column: string;
  readonly type: string;
  readonly list: boolean;
  readonly optional: boolean;
  readonly nativeType?: string;
  readonly id: boolean;
}

export interface PrismaModel {
  readonly name: string;
  readonly table: string;
  readonly schema: string;
  readonly columns: readonly PrismaColumn[];
  readonly compositeId?: readonly string[];
}

const scalarTypes = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);

export function parsePrismaSchema(text: string): PrismaModel[] {
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  const models: PrismaModel[] = [];
  // A block ends at a line holding only "}" (a "}" inside a default value such as "{}" does not end it).
  for (const match of withoutComments.matchAll(/^model\s+(\w+)\s*\{\s*$([\s\S]*?)^\}\s*$/gm)) {
    const [, name, body] = match;
    const columns: PrismaColumn[] = [];
    let table = name;
    let schema = 'public';
    let compositeId: string[] | undefined;
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('@@')) {
        const map = /^@@map\("([^"]+)"\)/.exec(line);
        if (map) table = map[1];
        const inSchema = /^@@schema\("([^"]+)"\)/.exec(line);
        if (inSchema) schema = inSchema[1];
        const id = /^@@id\(\[([^\]]+)\]\)/.exec(line);
        if (id) compositeId = id[1].split(',').map((s) => s.trim());
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field) throw new Error(`schema.prisma: cannot read the line "${line}" of model ${name}`);
      const [, fieldName, type, list, optional, rest] = field;
      if (!scalarTypes.has(type)) throw new Error(`schema.prisma: field ${name}.${fieldName} has type ${type}, which this reader does not know`);
      columns.push({
        field: fieldName,
        column: /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? fieldName,
        type,
        list: Boolean(list),
        optional: Boolean(optional),
        nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(rest)?.[1],
        id: /(^|\s)@id(\s|$)/.test(rest),
      });
    }
    models.push({ name, table, schema, columns, compositeId });
  }
  return models;
}

/** The PostgreSQL type (as information_schema's `data_type`, or `udt_name` for arrays) a column gets. */
export function postgresTypeOf(column: PrismaColumn): string {
  const base: Record<string, string> = {
    String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'numeric',
    Boolean: 'boolean', DateTime: 'timestamp without time zone', Json: 'jsonb', Bytes: 'bytea',
  };
  if (column.list) {
    const element: Record<string, string> = { String: '_text', Int: '_int4', BigInt: '_int8', Float: '_float8', Boolean: '_bool' };
    return `ARRAY ${element[column.type]}`;
  }
  if (column.nativeType?.startsWith('Timestamptz')) return 'timestamp with time zone';
  return base[column.type];
}
