import { expect, it } from 'vitest';
import { defaultHeapGrowingPercent, heapGrowingPercent } from '../../src/worker/heap-growth';

it('uses the default unless FERRY_HEAP_GROWING_PERCENT says otherwise', () => {
  expect(heapGrowingPercent({}, [])).toBe(defaultHeapGrowingPercent);
  expect(heapGrowingPercent({ FERRY_HEAP_GROWING_PERCENT: '' }, [])).toBe(defaultHeapGrowingPercent);
  expect(heapGrowingPercent({ FERRY_HEAP_GROWING_PERCENT: ' 250 ' }, [])).toBe(250);
  expect(heapGrowingPercent({ FERRY_HEAP_GROWING_PERCENT: '0' }, [])).toBe(0);
});

it('leaves the factor alone when node was given its own flag', () => {
  expect(heapGrowingPercent({ FERRY_HEAP_GROWING_PERCENT: '300' }, ['--expose-gc', '--heap-growing-percent=50'])).toBeNull();
  expect(heapGrowingPercent({}, ['--heap_growing_percent=20'])).toBeNull();
  expect(heapGrowingPercent({}, ['--max-old-space-size=4096'])).toBe(defaultHeapGrowingPercent);
});

it('refuses a value that is not an integer from 0 to 1000, naming it', () => {
  for (const bad of ['-5', '1.5', 'lots', '1001']) {
    expect(() => heapGrowingPercent({ FERRY_HEAP_GROWING_PERCENT: bad }, [])).toThrow(`got "${bad}"`);
  }
});
