/**
 * The custom search attributes Ferry's workflows set, so the Web UI's list shows kind, phase and
 * progress at a glance and can be filtered by them. Registered when the dev server starts; on a
 * production server, register them once with `temporal operator search-attribute create`.
 * Safe to import from workflow code (it only uses @temporalio/common).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const kindAttribute = defineSearchAttributeKey('FerryKind', SearchAttributeType.KEYWORD);
export const phaseAttribute = defineSearchAttributeKey('FerryPhase', SearchAttributeType.KEYWORD);
export const progressAttribute = defineSearchAttributeKey('FerryProgress', SearchAttributeType.INT);
export const scopeAttribute = defineSearchAttributeKey('FerryScope', SearchAttributeType.KEYWORD);

export const ferrySearchAttributes = [kindAttribute, phaseAttribute, progressAttribute, scopeAttribute] as const;

/** `--search-attribute NAME=Type` arguments for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int' };
  return ferrySearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
