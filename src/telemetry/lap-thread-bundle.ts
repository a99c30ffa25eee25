/**
 * The lap threads' entry as plain JavaScript: lap-thread.ts and the project files it imports
 * bundled by esbuild into ES modules (the read-back path, loaded lazily, as a chunk of its own),
 * packages left as imports of the files they resolve to. Loaded through tsx instead, each thread
 * transpiled every project file, parsed its source map and compiled tsx's own loader, then did
 * it again when validation first loaded parquet-wasm: ~1.2 CPU s of a 5 M-sample migration on a
 * 2-core machine. Written once per content to the system's temporary folder; null when it cannot
 * be built (the caller then loads the sources through tsx).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * Imports of packages stay imports, of the file URL esbuild resolves them to (Node's own
 * conditions: node, import, default), so the bundle runs from any folder.
 */
const packagesByFileUrl: Plugin = {
  name: 'packages-by-file-url',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === packagesByFileUrl || args.path.startsWith('node:')) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: packagesByFileUrl });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.external ? resolved.path : pathToFileURL(resolved.path).href, external: true };
    });
  },
};

const sameContent = (file: string, contents: Uint8Array) => {
  try {
    return readFileSync(file).equals(contents);
  } catch {
    return false;
  }
};

/** The bundled entry of `source` (a .ts file URL), built or found again; null when esbuild fails or is missing. */
export async function bundledLapThreadEntry(source: URL): Promise<URL | null> {
  try {
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      entryPoints: [fileURLToPath(source)], bundle: true, splitting: true, write: false, platform: 'node', format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`, conditions: [], mainFields: ['main'], outdir: 'out',
      entryNames: '[name]', chunkNames: '[name]-[hash]', outExtension: { '.js': '.mjs' }, logLevel: 'silent', plugins: [packagesByFileUrl],
    });
    const files = built.outputFiles.map((f) => ({ name: path.basename(f.path), contents: f.contents }));
    const hash = createHash('sha256');
    for (const f of files) hash.update(f.name).update('\0').update(f.contents);
    const dir = path.join(tmpdir(), `ferry-lap-thread-${hash.digest('hex').slice(0, 16)}`);
    const entryName = `${path.basename(source.pathname, '.ts')}.mjs`;
    if (!files.some((f) => f.name === entryName)) return null;
    const complete = (at: string) => files.every((f) => sameContent(path.join(at, f.name), f.contents));
    if (complete(dir)) return pathToFileURL(path.join(dir, entryName));
    // Published by one rename, so a process never sees another's half-written folder. A folder
    // that holds something else under the name (it was altered) is left alone and ours used.
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    for (const f of files) writeFileSync(path.join(staging, f.name), f.contents);
    try {
      renameSync(staging, dir);
    } catch {
      if (!complete(dir)) return pathToFileURL(path.join(staging, entryName));
      rmSync(staging, { recursive: true, force: true });
    }
    return pathToFileURL(path.join(dir, entryName));
  } catch {
    return null;
  }
}
