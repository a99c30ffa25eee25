import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/csv-runs/config-profile';
import { mapHeader } from '../../src/csv-runs/header-map';
import { parseSegment } from '../../src/csv-runs/parse-segment';
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
