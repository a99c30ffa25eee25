/**
 * The Temporal Web UI, checked in a real browser the way a person would use it: Ferry's migrations
 * are listed, the list can show their kind, phase and progress (custom search attributes added as
 * columns in the table's settings), a query by kind filters them, and a migration's page shows its
 * steps. Runs headless Debian Chromium through playwright-core against the harness's dev server and
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
import { engineKinds, openEngineContext, startCopyRows } from '../engine/engine-context';
import type { TestContext } from '../support/harness';
import { waitForProgress } from '../support/wait-for';

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
  t = await openEngineContext('web_ui', rows);
  if (!t.info.uiUrl) throw new Error('The test harness started Temporal without its Web UI (no uiUrl); the Web UI test needs it.');
  await t.startWorker({ extraKinds: engineKinds });

  // One migration id per kind and scope: the completed run and the paused one share an id (two
  // runs of it); the dry run has an id of its own. Each real run starts from fresh source rows.
  const completed = await startCopyRows(t);
  expect((await completed.result()).progress.phase).toBe('completed');
  runs.push({ label: 'completed', workflowId: completed.workflowId, runId: await runIdOf(completed), phase: 'completed' });

  await createCopyRowsTables(t.db.pool, rows);
  const dryRun = await startCopyRows(t, { dryRun: true });
  expect((await dryRun.result()).progress.phase).toBe('completed');
  runs.push({ label: 'dry run', workflowId: dryRun.workflowId, runId: await runIdOf(dryRun), phase: 'completed' });

  awaitingCutover = await startCopyRows(t, { requireApproval: true });
  await waitForProgress(awaitingCutover, (p) => p.phase === 'awaiting-cutover');
  runs.push({ label: 'awaiting approval', workflowId: awaitingCutover.workflowId, runId: await runIdOf(awaitingCutover), phase: 'awaiting-cutover' });

  expect(new Set(runs.map((r) => r.workflowId)).size).toBe(2);
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
      [kindAttribute.name]: copyRowsKindId,
      [phaseAttribute.name]: run.phase,
      [progressAttribute.name]: String(attributes.get(progressAttribute)),
    });
  }
  // Completed runs read 100 %; the one awaiting approval has done every step before cutover.
  expect(table.find((r) => r['Run ID'] === runs[0].runId)?.[progressAttribute.name]).toBe('100');
  await screenshot(page, 'list-with-ferry-columns.png');
});

it('a query by kind lists that kind\'s migrations, and a query by another kind none of them', async () => {
  const byKind = `${kindAttribute.name}="${copyRowsKindId}"`;
  await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows?query=${encodeURIComponent(byKind)}`);
  await waitForRuns(page);
  // The query shows as a filter a person can read and edit.
  await expect(page.getByText(`"${copyRowsKindId}"`).first().isVisible()).resolves.toBe(true);
  const table = await readTable(page);
  expect(table.length).toBeGreaterThanOrEqual(runs.length);
  expect(new Set(table.map((r) => r[kindAttribute.name]))).toEqual(new Set([copyRowsKindId]));
  await screenshot(page, 'query-by-kind.png');

  const mine = `TaskQueue="${t.taskQueue}"`;
  await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows?query=${encodeURIComponent(`${byKind} AND ${mine}`)}`);
  await waitForRuns(page);
  expect((await readTable(page)).map((r) => r['Run ID']).sort()).toEqual(runs.map((r) => r.runId).sort());

  const otherKind = `${kindAttribute.name}="csv-to-runs" AND ${mine}`;
  await page.goto(`${t.info.uiUrl}/namespaces/${t.info.namespace}/workflows?query=${encodeURIComponent(otherKind)}`);
  await page.locator('[data-testid="workflow-count"]', { hasText: /^\s*0\s*$/ }).waitFor({ timeout: uiWaitMs });
  expect(await readTable(page)).toEqual([]);
  await screenshot(page, 'query-by-other-kind.png');
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

async function waitForRuns(on: Page): Promise<void> {
  for (const run of runs) {
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
