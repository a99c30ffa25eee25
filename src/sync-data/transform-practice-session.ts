/** practice_sessions row → sync_data entity: every timestamp → ISO, enums kept, counts checked. */
import type { JsonValue } from './canonical-json';
import { RecordRejection, msToIso, nonNegativeInt, optionalMsToIso, percentage } from './field-parsers';
import type { PracticeSessionRow } from './source-rows';

export function transformPracticeSession(row: PracticeSessionRow): { [key: string]: JsonValue } {
  const notesAttempted = nonNegativeInt('notes_attempted', row.notes_attempted);
  const notesCorrect = nonNegativeInt('notes_correct', row.notes_correct);
  if (notesAttempted !== null && notesCorrect !== null && notesCorrect > notesAttempted) {
    throw new RecordRejection('notes_correct', `${notesCorrect} correct notes out of ${notesAttempted} attempted is impossible`);
  }
  return {
    id: row.id,
    instrument: row.instrument,
    sessionType: row.session_type,
    sheetMusicId: row.sheet_music_id,
    startedAt: msToIso('started_at', row.started_at),
    completedAt: optionalMsToIso('completed_at', row.completed_at),
    pausedDuration: nonNegativeInt('paused_duration', row.paused_duration),
    accuracyPercentage: percentage('accuracy_percentage', row.accuracy_percentage),
    notesAttempted,
    notesCorrect,
    createdAt: msToIso('created_at', row.created_at),
    updatedAt: msToIso('updated_at', row.updated_at),
  };
}
