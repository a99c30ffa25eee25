/**
 * The Temporal Web UI, checked in a real browser the way a person would use it: Ferry's migrations
 * (one of each of the four built-in kinds, on tiny data, plus runs of the engine's test kind in
 * three states) are listed, the list can show their kind, phase and progress (custom search
 * attributes added as columns in the table's settings), a query by kind filters them, and a
 * migration's page shows its steps. Runs headless Debian Chromium through playwright-core against the harness's dev server and
 * its Web UI; screenshots go to test-results/web-ui/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../../src/config';
import { sendCommand, type MigrationHandle } from '../../src/engine/client';
import { kindAttribute, phaseAttribute, progressAttribute } from '../../src/search-attributes';
import { createCopyRowsTables, copyRowsKindId } from '../engine/copy-rows-kind';
import { engineKinds, startCopyRows } from '../engine/engine-context';
import { openTestContext, type TestContext } from '../support/harness';
import { waitForProgress } from '../support/wait-for';
import { fourKinds, runFourKinds } from './four-kinds';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const screenshotDir = path.join(projectRoot, 'test-results', 'web-ui');
const rows = 30;
/** How long the browser may wait for the UI to show something (a wait, not a timing assertion). */
const uiWaitMs = 30_000;

interface Run {
  readonly label: string;
  readonly kind: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly phase: string;
}

let t: TestContext;
let browser: Browser;
let page: Page;
let awaitingCutover: MigrationHandle | undefined;
const runs: Run[] = [];

beforeAll(async () => {
  t = await openTestContext('web_ui', { applicationTables: true });
  if (!t.info.uiUrl) throw new Error('The test harness started Temporal without its Web UI (no uiUrl); the Web UI test needs it.');
  await createCopyRowsTables(t.db.pool, rows);
  await t.startWorker({ extraKinds: engineKinds });

  // The four built-in kinds run while the test kind's runs below go one after another.
  const builtIn = runFourKinds(t);

  // One migration id per kind and scope: the completed run and the paused one share an id (two
  // runs of it); the dry run has an id of its own. Each real run starts from fresh source rows.
  const completed = await startCopyRows(t);
  expect((await completed.result()).progress.phase).toBe('completed');
  runs.push({ label: 'completed', kind: copyRowsKindId, workflowId: completed.workflowId, runId: await runIdOf(completed), phase: 'completed' });

  await createCopyRowsTables(t.db.pool, rows);
  const dryRun = await startCopyRows(t, { dryRun: true });
  expect((await dryRun.result()).progress.phase).toBe('completed');
  runs.push({ label: 'dry run', kind: copyRowsKindId, workflowId: dryRun.workflowId, runId: await runIdOf(dryRun), phase: 'completed' });

  awaitingCutover = await startCopyRows(t, { requireApproval: true });
  await waitForProgress(awaitingCutover, (p) => p.phase === 'awaiting-cutover');
  runs.push({ label: 'awaiting approval', kind: copyRowsKindId, workflowId: awaitingCutover.workflowId, runId: await runIdOf(awaitingCutover), phase: 'awaiting-cutover' });

  expect(new Set(runs.map((r) => r.workflowId)).size).toBe(2);

  for (const run of await builtIn) {
    expect(run.phase, `${run.kind} migration`).toBe('completed');
    runs.push({ label: run.kind, kind: run.kind, workflowId: run.handle.workflowId, runId: await runIdOf(run.handle), phase: run.phase });
  }
  expect(runs.map((r) => r.kind).filter((k) => k !== copyRowsKindId).sort()).toEqual([...fourKinds].sort());
  await waitUntilVisible();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1200 } });
  mkdirSync(screenshotDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  // Leave no running migration behind: other files start the same workflow id.
  if (awaitingCutover) {
    await sendCommand(t.client, awaitingCutover.workflowId, 'rollback', 'end of the Web UI test');
    await awaitingCutover.result();
  }
  await t?.close();
});

it('lists the migrations, and shows kind, phase and progress once a person adds those columns', async () => {
  await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows`);
  await waitForRuns(page);

  // The table's settings (gear below the list) offer the custom search attributes as columns.
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const key of [kindAttribute, phaseAttribute, progressAttribute]) {
    await page.getByRole('button', { name: `Add ${key.name} column` }).click();
  }
  // Make room on screen: every Ferry migration has the same workflow type.
  await page.getByRole('button', { name: 'Remove Type column' }).click();
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
  await page.getByRole('heading', { name: 'Configure Workflows Table' }).waitFor({ state: 'hidden', timeout: uiWaitMs });
  await page.getByRole('button', { name: 'Collapse saved views' }).click();
  // The new columns are shown (a narrow window may need a sideways scroll, as a person would do).
  for (const key of [kindAttribute, phaseAttribute, progressAttribute]) {
    const header = page.getByTestId(`workflows-summary-table-header-cell-${key.name}`);
    await header.waitFor({ timeout: uiWaitMs });
    await header.scrollIntoViewIfNeeded();
    expect(await header.isVisible(), `${key.name} column shown`).toBe(true);
  }

  const table = await readTable(page);
  for (const run of runs) {
    const row = table.find((r) => r['Run ID'] === run.runId);
    expect(row, `${run.label} run ${run.runId} in the list`).toBeDefined();
    const attributes = (await t.client.workflow.getHandle(run.workflowId, run.runId).describe()).typedSearchAttributes;
    expect(row).toMatchObject({
      'Workflow ID': run.workflowId,
      [kindAttribute.name]: run.kind,
      [phaseAttribute.name]: run.phase,
      [progressAttribute.name]: String(attributes.get(progressAttribute)),
    });
  }
  // Completed runs read 100 %; the one awaiting approval has done every step before cutover.
  for (const run of runs.filter((r) => r.phase === 'completed')) {
    expect(table.find((r) => r['Run ID'] === run.runId)?.[progressAttribute.name], `${run.label} progress`).toBe('100');
  }
  // Every built-in kind is in the list, by its FerryKind.
  expect(fourKinds.filter((kind) => !table.some((r) => r[kindAttribute.name] === kind))).toEqual([]);
  await screenshot(page, 'list-with-ferry-columns.png');
});

it('a query by kind lists that kind\'s migrations only', async () => {
  const mine = `TaskQueue="${t.taskQueue}"`;
  const listOf = async (query: string, expected: readonly Run[]) => {
    await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows?query=${encodeURIComponent(query)}`);
    await waitForRuns(page, expected);
    return readTable(page);
  };

  // A real kind: only its migrations are listed, though the other kinds ran on the same task queue.
  const csvKind = 'csv-to-runs';
  const byCsv = `${kindAttribute.name}="${csvKind}"`;
  const csvRuns = runs.filter((r) => r.kind === csvKind);
  const csvTable = await listOf(byCsv, csvRuns);
  // The query shows as a filter a person can read and edit.
  await expect(page.getByText(`"${csvKind}"`).first().isVisible()).resolves.toBe(true);
  expect(new Set(csvTable.map((r) => r[kindAttribute.name]))).toEqual(new Set([csvKind]));
  await screenshot(page, 'query-by-kind.png');
  expect((await listOf(`${byCsv} AND ${mine}`, csvRuns)).map((r) => r['Run ID'])).toEqual(csvRuns.map((r) => r.runId));

  // The engine's test kind: exactly its three runs on this task queue.
  const copyRuns = runs.filter((r) => r.kind === copyRowsKindId);
  const copyTable = await listOf(`${kindAttribute.name}="${copyRowsKindId}" AND ${mine}`, copyRuns);
  expect(copyTable.map((r) => r['Run ID']).sort()).toEqual(copyRuns.map((r) => r.runId).sort());
  expect(new Set(copyTable.map((r) => r[kindAttribute.name]))).toEqual(new Set([copyRowsKindId]));
});

it("a migration's page shows its steps, its current details and its search attributes", async () => {
  const run = runs.find((r) => r.phase === 'awaiting-cutover')!;
  await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows/${encodeURIComponent(run.workflowId)}/${run.runId}/history`);
  const steps = ['inventory of test-copy-rows (all)', ...['backup', 'convert', 'validate'].map((step) => `${step} units 0–${rows - 1} of ${rows}`)];
  // The event history's timeline names each activity by its summary.
  for (const step of steps) await page.getByText(step).first().waitFor({ timeout: uiWaitMs });
  await expect(page.getByText(`${run.workflowId}`, { exact: true }).first().isVisible()).resolves.toBe(true);
  await screenshot(page, 'migration-history.png');

  await page.getByRole('link', { name: 'User Metadata' }).or(page.getByRole('tab', { name: 'User Metadata' })).first().click();
  // The workflow's current details (Ferry's markdown table of counters) render in a frame of their own.
  await page.getByText('Current Details').first().waitFor({ timeout: uiWaitMs });
  const detailsText = await waitForFrameText(page, /phase\s+awaiting-cutover/);
  expect(detailsText).toMatch(new RegExp(`${copyRowsKindId}\\s+·\\s+scope\\s+all`));
  expect(detailsText).toMatch(/units total/);
  // "Events with Metadata" lists every step with its state.
  for (const step of steps) await page.getByText(step).first().waitFor({ timeout: uiWaitMs });
  await screenshot(page, 'migration-current-details.png');

  await page.getByRole('link', { name: 'Search Attributes' }).or(page.getByRole('tab', { name: 'Search Attributes' })).first().click();
  await page.getByText(`"${phaseAttribute.name}"`).first().waitFor({ timeout: uiWaitMs });
  const attributesText = await page.locator('main').innerText();
  expect(attributesText).toContain(`"${kindAttribute.name}": "${copyRowsKindId}"`);
  expect(attributesText).toContain(`"${phaseAttribute.name}": "awaiting-cutover"`);
  expect(attributesText).toMatch(new RegExp(`"${progressAttribute.name}": \\d+`));
  await screenshot(page, 'migration-search-attributes.png');
});

/** Debian's Chromium, or an error that says how to get it (never a silent skip). */
async function launchChromium(): Promise<Browser> {
  const howTo = 'install it with `apt-get update && apt-get install -y chromium` (.ci/run does this when it is missing)';
  if (!existsSync(chromiumPath)) throw new Error(`The Web UI test needs Chromium at ${chromiumPath}, which is missing: ${howTo}.`);
  try {
    return await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  } catch (error) {
    throw new Error(`Chromium at ${chromiumPath} did not start (${error instanceof Error ? error.message : String(error)}); ${howTo}.`);
  }
}

/** Waits until Temporal's visibility store lists every run in its expected phase, as the UI will read it. */
async function waitUntilVisible(): Promise<void> {
  const deadline = Date.now() + uiWaitMs;
  for (;;) {
    const seen = new Map<string, string | undefined>();
    for await (const execution of t.client.workflow.list({ query: `TaskQueue="${t.taskQueue}"` })) {
      seen.set(execution.runId, execution.typedSearchAttributes.get(phaseAttribute));
    }
    if (runs.every((run) => seen.get(run.runId) === run.phase)) return;
    if (Date.now() > deadline) throw new Error(`Visibility does not list the runs yet: ${JSON.stringify([...seen])}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The text of the first child frame whose text matches, once one does. */
async function waitForFrameText(on: Page, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + uiWaitMs;
  let seen: string[] = [];
  for (;;) {
    seen = [];
    for (const frame of on.frames()) {
      if (frame === on.mainFrame()) continue;
      const text = await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '');
      if (pattern.test(text)) return text;
      seen.push(text);
    }
    if (Date.now() > deadline) throw new Error(`No frame shows ${pattern}; frames show: ${JSON.stringify(seen)}`);
    await on.waitForTimeout(200);
  }
}

async function waitForRuns(on: Page, expected: readonly Run[] = runs): Promise<void> {
  for (const run of expected) {
    await on.getByTestId('workflows-summary-configurable-table-row').filter({ hasText: run.runId }).waitFor({ timeout: uiWaitMs });
  }
}

/** The workflow list as a person reads it: one record per row, keyed by column header. */
async function readTable(on: Page): Promise<Array<Record<string, string>>> {
  const prefix = 'workflows-summary-table-header-cell-';
  const headerCells = on.locator(`[data-testid^="${prefix}"]`);
  const headers: string[] = [];
  for (let i = 0; i < (await headerCells.count()); i++) headers.push((await headerCells.nth(i).getAttribute('data-testid'))!.slice(prefix.length));
  const table: Array<Record<string, string>> = [];
  for (const row of await on.getByTestId('workflows-summary-configurable-table-row').all()) {
    const cells = await row.getByTestId('workflows-summary-table-body-cell').allInnerTexts();
    table.push(Object.fromEntries(headers.map((header, i) => [header, (cells[i] ?? '').trim()])));
  }
  return table;
}

/** The run a handle started (the run id, as the list shows it). */
async function runIdOf(handle: MigrationHandle): Promise<string> {
  return (await handle.describe()).runId;
}

async function screenshot(on: Page, name: string): Promise<void> {
  const file = path.join(screenshotDir, name);
  await on.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}
