/** Every workflow the worker serves. The worker bundles this file. */
export { healthCheckWorkflow } from './health-check';
export { migrationWorkflow } from './migration';
export { cleanupBackupsWorkflow } from './cleanup-backups';
