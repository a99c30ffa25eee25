import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/csv-runs/config-profile';
import { mapHeader } from '../../src/csv-runs/header-map';
import { parseSegment } from '../../src/csv-runs/parse-segment';
import { csvParseCore, RecordSplitter, type RecordCore } from '../../src/csv-runs/record-splitter';
import { formatMicros, parseTimestampMicros } from '../../src/csv-runs/timestamp';

const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-parse-test-'));
let n = 0;
function file(text: string | Buffer): string {
  const p = path.join(dir, `f${++n}.csv`);
  writeFileSync(p, text);
  return p;
}
async function parse(text: string | Buffer) {
  const p = file(text);
  const size = Buffer.byteLength(text);
  return parseSegment({ path: p, fromOffset: 0, toOffset: size, fromLine: 1 }, { file: p, runId: 1 });
}

describe('header mapping', () => {
  it('maps the three logger header versions to the same columns by name', () => {
    const v1 = mapHeader('Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed'.split(','), 'a');
    const v3 = mapHeader('timestamp,target_z1,target_z2,t1_feed,t2_mid,t3_nozzle,t_motor,pwr_z1_pct,pwr_z2_pct,rpm_main,rpm_feed,level,message'.split(','), 'b');
    expect(v1.readings).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(v3.readings).toEqual([3, 4, 5, 6, 1, 2, 7, 8, 9, 10]);
    expect(v1.level).toBe(-1);
    expect([v3.level, v3.message]).toEqual([11, 12]);
  });
  it('keeps a missing reading column as absent and reports unknown columns', () => {
    const h = mapHeader(['Time', 'T1_Feed', 'Humidity'], 'c');
    expect(h.readings.filter((i) => i >= 0)).toEqual([1]);
    expect(h.ignored).toEqual(['Humidity']);
  });
  it('refuses a header without a timestamp or with a column twice', () => {
    expect(() => mapHeader(['T1_Feed', 'T2_Mid'], 'x.csv')).toThrow(/no timestamp column/);
    expect(() => mapHeader(['Timestamp', 'PWR_Z1_%', 'pwr_z1_pct'], 'x.csv')).toThrow(/twice/);
  });
});

describe('timestamps', () => {
  it('keeps microseconds and honours offsets', () => {
    expect(formatMicros(parseTimestampMicros('2025-03-01T12:00:00.123456')!)).toBe('2025-03-01T12:00:00.123456Z');
    expect(parseTimestampMicros('2025-03-01 14:00:00+02:00')).toBe(parseTimestampMicros('2025-03-01T12:00:00Z'));
  });
  it('rejects impossible dates and garbage', () => {
    expect(parseTimestampMicros('2025-04-31T00:00:00')).toBeNull();
    expect(parseTimestampMicros('2025-03-01T??:??:00')).toBeNull();
    expect(parseTimestampMicros('')).toBeNull();
  });
  it('reads the logger form the same as Date.UTC does, leap days and fractions included', () => {
    const viaDate = (t: string, fraction = 0) => Date.parse(`${t}Z`) * 1000 + fraction;
    expect(parseTimestampMicros('2024-02-29T23:59:59.999999')).toBe(viaDate('2024-02-29T23:59:59', 999_999));
    expect(parseTimestampMicros('2000-02-29 00:00:00.5Z')).toBe(viaDate('2000-02-29T00:00:00', 500_000));
    expect(parseTimestampMicros('1969-12-31T23:59:59.000001')).toBe(viaDate('1969-12-31T23:59:59', 1));
    expect(parseTimestampMicros('1900-02-29T00:00:00')).toBeNull();
    expect(parseTimestampMicros('2023-02-29T00:00:00')).toBeNull();
    expect(parseTimestampMicros('2025-03-01T24:00:00')).toBeNull();
    expect(parseTimestampMicros('2025-03-01T12:00:00.1234567')).toBe(viaDate('2025-03-01T12:00:00', 123_456));
  });
});

describe('record splitting', () => {
  const run = (core: RecordCore, chunks: Buffer[]) => {
    const records: string[][] = [];
    let failed = false;
    for (const chunk of chunks) if (core.parse(chunk, false, (r) => records.push(r), () => undefined)) failed = true;
    if (!failed && core.parse(undefined, true, (r) => records.push(r), () => undefined)) failed = true;
    return { records, failed };
  };

  it('splits generated input exactly as csv-parse does, however it is cut into chunks', () => {
    const alphabet = ['a', 'é', ' ', '1.5', ',', ',', '"', '"', '""', '\r', '\n', '\r\n'];
    let seed = 12345;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let k = 0; k < 20_000; k++) {
      let text = random() < 0.1 ? '\uFEFF' : '';
      for (let i = Math.floor(random() * 30); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * 6);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const bom = random() < 0.5;
      const expected = run(csvParseCore(bom), chunks);
      expect(run(new RecordSplitter(bom), chunks), JSON.stringify(text)).toEqual(expected);
      expect(run(new RecordSplitter(bom), [bytes]), JSON.stringify(text)).toEqual(expected);
    }
  });

  it('hands a quote left open over a megabyte to csv-parse and still reports it at the end', () => {
    const line = '2025-03-01T08:00:01.527225,24.10,24.10,22.09,25.00,195,205,100.00,100.00,0.00,0.00\r\n';
    const bytes = Buffer.from(`h,a\r\n${line.repeat(10)}x,"open\r\n${line.repeat(20_000)}`);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 256 * 1024) chunks.push(bytes.subarray(at, at + 256 * 1024));
    const result = run(new RecordSplitter(true), chunks);
    expect(result).toEqual(run(csvParseCore(true), chunks));
    expect(result).toMatchObject({ failed: true });
    expect(result.records).toHaveLength(11);
  });
});

describe('parsing a logger file', () => {
  const header = 'Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed,Event_Level,Event_Message';
  const row = (t: string, extra = ',,') => `${t},180.5,190,200.25,40,180,200,55,60,120,30${extra}`;

  it('reads a BOM, CRLF line ends and a quoted message with a comma and a newline', async () => {
    const text = `\uFEFF${header}\r\n${row('2025-03-01T12:00:00')}\r\n2025-03-01T12:00:01,,,,,,,,,,,INFO,"Motor started, ""soft""\r\nsecond line"\r\n${row('2025-03-01T12:00:02')}\r\n`;
    const parsed = await parse(text);
    expect(parsed.counts).toMatchObject({ records: 3, samples: 2, events: 1, eventOnly: 1, rejected: 0 });
    expect(parsed.nextLine).toBe(6);
  });

  it('rejects a short line and a bad timestamp with their physical line numbers, keeping the rest', async () => {
    const text = `${header}\n${row('2025-03-01T12:00:00')}\n2025-03-01T12:00:01,180\n${row('not a time')}\n\n${row('2025-03-01T12:00:04')}\n`;
    const parsed = await parse(text);
    expect(parsed.rejections.map((r) => [r.line, r.code])).toEqual([[3, 'COLUMN_COUNT'], [4, 'BAD_TIMESTAMP']]);
    expect(parsed.counts).toMatchObject({ records: 4, samples: 2, rejected: 2 });
  });

  it('quarantines a quote left open at the end of the file as one line and keeps the lines before', async () => {
    const text = `${header}\n${row('2025-03-01T12:00:00')}\n2025-03-01T12:00:01,,,,,,,,,,,WARN,"Heater Z1 fa\n`;
    const parsed = await parse(text);
    expect(parsed.rejections).toHaveLength(1);
    expect(parsed.rejections[0]).toMatchObject({ line: 3, code: 'CSV_SYNTAX' });
    expect(parsed.counts).toMatchObject({ records: 2, samples: 1, rejected: 1 });
  });

  it('stores non-numeric readings as NULL without rejecting the line', async () => {
    const text = `${header}\n2025-03-01T12:00:00,nan,ERR,,0x1A,180,200,55,60,Infinity,30,,\n`;
    const parsed = await parse(text);
    expect(parsed.counts).toMatchObject({ samples: 1, rejected: 0, nonNumeric: 4 });
  });

  it('maps only the records before untilLine, exactly as a full parse does', async () => {
    const text = `${header}\n${row('2025-03-01T12:00:00')}\n2025-03-01T12:00:01,,,,,,,,,,,INFO,"two\nlines"\n${row('2025-03-01T12:00:03')}\n${row('2025-03-01T12:00:04', ',WARN,x')}\n`;
    const p = file(text);
    const range = { path: p, fromOffset: 0, toOffset: Buffer.byteLength(text), fromLine: 1 };
    const head = await parseSegment(range, { file: p, runId: 1, untilLine: 4 });
    expect(head.counts).toMatchObject({ records: 2, samples: 1, events: 1 });
    const firstTwo = await parse(`${header}\n${row('2025-03-01T12:00:00')}\n2025-03-01T12:00:01,,,,,,,,,,,INFO,"two\nlines"\n`);
    expect([head.samplesSha256, head.eventsSha256]).toEqual([firstTwo.samplesSha256, firstTwo.eventsSha256]);
  });

  it('gives the same row checksum for the same values written by different logger versions', async () => {
    const a = await parse(`Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed\n2025-03-01T12:00:00,1,2,3,4,5,6,7,8,9,10\n`);
    const b = await parse(`timestamp,target_z1,target_z2,t1_feed,t2_mid,t3_nozzle,t_motor,pwr_z1_pct,pwr_z2_pct,rpm_main,rpm_feed,level,message\r\n2025-03-01 12:00:00Z,5,6,1,2,3,4,7,8,9,10,,\r\n`);
    expect(a.samplesSha256).toBe(b.samplesSha256);
    const c = await parse(`Timestamp,T1_Feed\n2025-03-01T12:00:00,1.5\n`);
    expect(c.samplesSha256).not.toBe(a.samplesSha256);
  });
});

it('canonical JSON ignores key order and whitespace', () => {
  expect(canonicalJson(JSON.parse('{ "b": [1, {"y":2,"x":1}], "a": null }'))).toBe('{"a":null,"b":[1,{"x":1,"y":2}]}');
});
