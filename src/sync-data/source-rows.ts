/**
 * The backend rows as PostgreSQL hands them over (BIGINT columns arrive as digit strings).
 */
export interface LogbookEntryRow {
  id: string; user_id: string; timestamp: string | number; duration: number | null; type: string | null;
  instrument: string | null; pieces: string | null; techniques: string | null; goal_ids: string | null;
  notes: string | null; mood: string | null; tags: string | null; metadata: string | null;
  created_at: string | number; updated_at: string | number;
}

export interface GoalRow {
  id: string; user_id: string; title: string; description: string | null; target_date: string | number | null;
  progress: number | null; milestones: string | null; status: string | null; linked_entries: string | null;
  created_at: string | number; updated_at: string | number; completed_at: string | number | null;
}

export interface PracticeSessionRow {
  id: string; user_id: string; instrument: string | null; session_type: string | null; sheet_music_id: string | null;
  started_at: string | number; completed_at: string | number | null; paused_duration: number | null;
  accuracy_percentage: number | null; notes_attempted: number | null; notes_correct: number | null;
  created_at: string | number; updated_at: string | number;
}

export type SourceRow = LogbookEntryRow | GoalRow | PracticeSessionRow;
