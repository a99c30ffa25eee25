import { describe, expect, it } from 'vitest';
import { canonicalJson, checksumOf } from '../../src/sync-data/canonical-json';
import type { GoalRow, LogbookEntryRow, PracticeSessionRow } from '../../src/sync-data/source-rows';
import { transformRecord } from '../../src/sync-data/transform-record';

const entry: LogbookEntryRow = {
  id: 'le-1', user_id: 'user-1', timestamp: '1704067200000', duration: 1800, type: 'PRACTICE', instrument: 'PIANO',
  pieces: '[{"title":"Prelude","composer":"Bach"}]', techniques: '["scales"]', goal_ids: '["goal-1"]', notes: 'bars 1–8',
  mood: 'SATISFIED', tags: '["daily"]', metadata: '{"source":"timer"}', created_at: '1704067200000', updated_at: '1704067260000',
};
const goal: GoalRow = {
  id: 'goal-1', user_id: 'user-1', title: 'Learn', description: null, target_date: '1706745600000', progress: 40,
  milestones: '[{"title":"half"}]', status: null, linked_entries: '["le-1"]', created_at: '1704067200000', updated_at: '1704067200000', completed_at: null,
};
const session: PracticeSessionRow = {
  id: 'ps-1', user_id: 'user-2', instrument: 'GUITAR', session_type: 'FREE_PRACTICE', sheet_music_id: null, started_at: '1704067200000',
  completed_at: '1704069000000', paused_duration: 30, accuracy_percentage: 87.5, notes_attempted: 100, notes_correct: 80,
  created_at: '1704067200000', updated_at: '1704067200000',
};

function entity(result: ReturnType<typeof transformRecord>): Record<string, unknown> {
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return JSON.parse(result.data) as Record<string, unknown>;
}

describe('logbook entries', () => {
  it('turns Unix milliseconds into ISO strings and parses the JSON text fields into arrays', () => {
    const e = entity(transformRecord('logbook_entry', entry));
    expect(e.timestamp).toBe('2024-01-01T00:00:00.000Z');
    expect(e.updatedAt).toBe('2024-01-01T00:01:00.000Z');
    expect(e.pieces).toEqual([{ title: 'Prelude', composer: 'Bach' }]);
    expect(e.techniques).toEqual(['scales']);
    expect(e.goalIds).toEqual(['goal-1']);
    expect(e.tags).toEqual(['daily']);
    expect(e.metadata).toEqual({ source: 'timer' });
  });

  it('keeps uppercase enums as they are', () => {
    const e = entity(transformRecord('logbook_entry', { ...entry, type: 'PRACTICE', instrument: 'PIANO', mood: 'EXCITED' }));
    expect([e.type, e.instrument, e.mood]).toEqual(['PRACTICE', 'PIANO', 'EXCITED']);
  });

  it('gives missing metadata the default {"source":"manual"} and missing arrays []', () => {
    const e = entity(transformRecord('logbook_entry', { ...entry, metadata: null, tags: null, goal_ids: '', techniques: '  ' }));
    expect(e.metadata).toEqual({ source: 'manual' });
    expect([e.tags, e.goalIds, e.techniques]).toEqual([[], [], []]);
  });

  it('rejects malformed JSON naming the field', () => {
    const r = transformRecord('logbook_entry', { ...entry, pieces: '[{"title":' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.entityId).toBe('le-1');
      expect(r.field).toBe('pieces');
      expect(r.reason).toMatch(/^pieces: malformed JSON/);
    }
  });

  it('rejects a JSON field of the wrong shape and an impossible duration', () => {
    const shape = transformRecord('logbook_entry', { ...entry, tags: '{"a":1}' });
    expect(shape.ok ? '' : shape.reason).toBe('tags: expected a JSON array, found an object');
    const meta = transformRecord('logbook_entry', { ...entry, metadata: '[1]' });
    expect(meta.ok ? '' : meta.reason).toBe('metadata: expected a JSON object, found an array');
    const negative = transformRecord('logbook_entry', { ...entry, duration: -5 });
    expect(negative.ok ? '' : negative.reason).toBe('duration: -5 is not a whole number ≥ 0');
  });

  it('rejects a timestamp outside the possible range', () => {
    const r = transformRecord('logbook_entry', { ...entry, timestamp: '99999999999999999' });
    expect(r.ok ? '' : r.reason).toMatch(/^timestamp: timestamp 100000000000000000 is outside the possible range/);
  });
});

describe('goals', () => {
  it('defaults status to ACTIVE and converts dates, milestones and linked entries', () => {
    const g = entity(transformRecord('goal', goal));
    expect(g.status).toBe('ACTIVE');
    expect(g.targetDate).toBe('2024-02-01T00:00:00.000Z');
    expect(g.completedAt).toBeNull();
    expect(g.milestones).toEqual([{ title: 'half' }]);
    expect(g.linkedEntries).toEqual(['le-1']);
  });

  it('keeps a status that is set', () => {
    expect(entity(transformRecord('goal', { ...goal, status: 'COMPLETED' })).status).toBe('COMPLETED');
  });

  it('rejects progress above 100', () => {
    const r = transformRecord('goal', { ...goal, progress: 140 });
    expect(r.ok ? '' : r.reason).toBe('progress: 140 is not a percentage between 0 and 100');
  });
});

describe('practice sessions', () => {
  it('converts every timestamp to ISO and keeps enums and user', () => {
    const r = transformRecord('practice_session', session);
    const s = entity(r);
    expect(r.userId).toBe('user-2');
    expect(s.startedAt).toBe('2024-01-01T00:00:00.000Z');
    expect(s.completedAt).toBe('2024-01-01T00:30:00.000Z');
    expect(s.sessionType).toBe('FREE_PRACTICE');
    expect(s.instrument).toBe('GUITAR');
  });

  it('rejects more correct notes than attempted and an accuracy above 100', () => {
    const more = transformRecord('practice_session', { ...session, notes_correct: 101 });
    expect(more.ok ? '' : more.reason).toBe('notes_correct: 101 correct notes out of 100 attempted is impossible');
    const acc = transformRecord('practice_session', { ...session, accuracy_percentage: 130.5 });
    expect(acc.ok ? '' : acc.reason).toBe('accuracy_percentage: 130.5 is not a percentage between 0 and 100');
  });
});

describe('checksum', () => {
  it('does not depend on key order and changes with any value', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    const one = transformRecord('goal', goal);
    const same = transformRecord('goal', { ...goal });
    const other = transformRecord('goal', { ...goal, progress: 41 });
    expect(one.ok && same.ok && one.checksum === same.checksum).toBe(true);
    expect(one.ok && other.ok && one.checksum !== other.checksum).toBe(true);
    expect(one.ok && one.checksum === checksumOf(one.data)).toBe(true);
  });
});
