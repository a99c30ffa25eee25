/** What the global set-up hands every test file: where the shared services are. */
export interface HarnessInfo {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly uiUrl: string;
  /** A database on the shared cluster from which each test file creates its own. */
  readonly adminDatabaseUrl: string;
  readonly bundlePath: string;
  readonly tempDir: string;
  readonly servicePids: readonly number[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    harness: HarnessInfo;
  }
}
