import { describe, expect, it } from 'vitest';
import { JsonScanError, JsonScanner, type ScanEvent } from '../../src/chunked/json-scanner';

const streamPaths = [['screenshots'], ['audioSegments'], ['video', 'chunks']];

function scan(text: string, splitEvery?: number): ScanEvent[] {
  const scanner = new JsonScanner({ streamPaths });
  const bytes = Buffer.from(text);
  const events: ScanEvent[] = [];
  const step = splitEvery ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) events.push(...scanner.push(bytes.subarray(i, i + step)));
  events.push(...scanner.end());
  return events;
}

function summarize(events: ScanEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'value' || e.type === 'item') return `${e.type} ${e.path.join('.')}${e.type === 'item' ? `[${e.index}]` : ''} = ${JSON.stringify(e.value)}`;
    if (e.type === 'array-end') return `array-end ${e.path.join('.')} ${e.count}`;
    return `${e.type} ${e.path.join('.')}`;
  });
}

const tricky = JSON.stringify({
  id: 'a',
  name: 'quote " backslash \\ brace } bracket ] comma , émoji 🎥',
  screenshots: [{ id: 's0', note: 'a\\"b' }, { id: 's1', nested: { list: [1, [2, { x: '}' }]] } }],
  count: -12.5e3,
  flag: false,
  nothing: null,
  video: { fps: 30, chunks: [{ id: 'v0' }], codec: 'h264' },
  audioSegments: [],
  summary: { narrative: 'line\nbreak \u2028' },
});

describe('JsonScanner', () => {
  it('emits values, streamed items and array ends in document order', () => {
    expect(summarize(scan(tricky))).toEqual([
      'object-start ',
      'value id = "a"',
      `value name = ${JSON.stringify('quote " backslash \\ brace } bracket ] comma , émoji 🎥')}`,
      'array-start screenshots',
      'item screenshots[0] = {"id":"s0","note":"a\\\\\\"b"}',
      'item screenshots[1] = {"id":"s1","nested":{"list":[1,[2,{"x":"}"}]]}}',
      'array-end screenshots 2',
      'value count = -12500',
      'value flag = false',
      'value nothing = null',
      'object-start video',
      'value video.fps = 30',
      'array-start video.chunks',
      'item video.chunks[0] = {"id":"v0"}',
      'array-end video.chunks 1',
      'value video.codec = "h264"',
      'array-start audioSegments',
      'array-end audioSegments 0',
      `value summary = ${JSON.stringify({ narrative: 'line\nbreak \u2028' })}`,
    ]);
  });

  it('gives the same events whatever the buffer boundaries (every split size from 1 to 17 bytes)', () => {
    const whole = summarize(scan(tricky));
    for (let split = 1; split <= 17; split++) expect(summarize(scan(tricky, split))).toEqual(whole);
  });

  it('keeps each raw value intact when the caller reuses one buffer for every piece', () => {
    const bytes = Buffer.from(tricky);
    for (const split of [1, 3, 7, 16]) {
      const scanner = new JsonScanner({ streamPaths });
      const reused = Buffer.alloc(split);
      const raws: string[] = [];
      for (let i = 0; i < bytes.length; i += split) {
        const length = bytes.copy(reused, 0, i, i + split);
        // Raw bytes are read while handling the piece, as scan-file's consumers do; the next copy overwrites the buffer.
        for (const event of scanner.push(reused.subarray(0, length))) if (event.type === 'item' || event.type === 'value') raws.push(event.raw.toString());
      }
      scanner.end();
      const expected = scan(tricky).flatMap((e) => (e.type === 'item' || e.type === 'value' ? [e.raw.toString()] : []));
      expect(raws).toEqual(expected);
    }
  });

  it('cuts items out without parsing them when asked, with the same bytes', () => {
    const scanner = new JsonScanner({ streamPaths, parseItems: false });
    const items = [...scanner.push(Buffer.from(tricky)), ...scanner.end()].filter((e) => e.type === 'item');
    expect(items.map((e) => e.type === 'item' && [e.value, e.raw.toString()])).toEqual([
      [undefined, JSON.stringify({ id: 's0', note: 'a\\"b' })],
      [undefined, JSON.stringify({ id: 's1', nested: { list: [1, [2, { x: '}' }]] } })],
      [undefined, JSON.stringify({ id: 'v0' })],
    ]);
  });

  it('gives the same events for pretty-printed input', () => {
    expect(summarize(scan(JSON.stringify(JSON.parse(tricky), null, 2), 5))).toEqual(summarize(scan(tricky)));
  });

  const malformed: Array<[string, string]> = [
    ['truncated document', tricky.slice(0, tricky.length / 2)],
    ['not an object', '[1, 2]'],
    ['empty document', ''],
    ['missing colon', '{"a" 1}'],
    ['trailing comma in object', '{"a": 1,}'],
    ['bad literal', '{"a": tru}'],
    ['bad item', '{"screenshots": [{"a": 1}, {"b": }]}'],
    ['content after the document', '{"a": 1} {"b": 2}'],
    ['unquoted key', '{a: 1}'],
  ];
  for (const [name, text] of malformed) {
    it(`rejects malformed input: ${name}`, () => {
      expect(() => scan(text, 3)).toThrow(JsonScanError);
    });
  }
});
