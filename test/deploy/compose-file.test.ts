/**
 * No Docker engine runs on these machines, so docker-compose.yml and the Dockerfile are checked
 * against the code instead: the services a deployment needs, pinned images, the worker's
 * environment against src/config.ts (what it reads, what it would otherwise start itself), the
 * addresses and ports that wire the services together, and the registered search attributes
 * against src/search-attributes.ts. `composeProblems` lists what is wrong; the last tests feed it
 * broken copies to show that each kind of mistake is caught.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentVariables, loadConfig, projectRoot } from '../../src/config';
import { searchAttributeFlags } from '../../src/search-attributes';

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  container_name?: string;
  environment?: Record<string, string | number | boolean> | string[];
  ports?: Array<string | number>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  command?: string | string[];
  entrypoint?: string | string[];
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');
const dockerfileText = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  version: string; engines: { node: string }; bin: Record<string, string>;
};

/** What each part of a deployment is, recognised by its image (the worker: by its build). */
const roles = {
  temporal: (s: Service) => /^temporalio\/(auto-setup|server):/.test(s.image ?? ''),
  setup: (s: Service) => /^temporalio\/admin-tools:/.test(s.image ?? ''),
  ui: (s: Service) => /^temporalio\/ui:/.test(s.image ?? ''),
  worker: (s: Service) => s.build !== undefined,
} as const;
type Role = keyof typeof roles | 'temporalDatabase' | 'ferryDatabase';

/**
 * How the worker must treat each variable of src/config.ts, from its documented meaning:
 * "unset = start …" means Ferry would start a service of its own, so a deployment must set it;
 * variables only the embedded runtime reads (local dev server, embedded PostgreSQL, Temporal CLI)
 * must stay unset; every other one is a production setting the file states explicitly.
 */
function workerVariableRules(): { required: string[]; embeddedOnly: string[]; explicit: string[] } {
  const required: string[] = [];
  const embeddedOnly: string[] = [];
  const explicit: string[] = [];
  for (const [name, meaning] of Object.entries(environmentVariables)) {
    if (/unset = start/.test(meaning)) required.push(name);
    else if (/local dev server|embedded|Temporal CLI/.test(meaning)) embeddedOnly.push(name);
    else explicit.push(name);
  }
  return { required, embeddedOnly, explicit };
}

/** The search attributes the code registers on a dev server, as `Name=Type` (Temporal CLI type names). */
function expectedSearchAttributes(): string[] {
  return searchAttributeFlags().filter((flag) => flag !== '--search-attribute').sort();
}

function environmentOf(service: Service | undefined): Record<string, string> {
  const env = service?.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
}

/** `host:container` (optionally `ip:host:container`, `/tcp`) as numbers. */
function portMappings(service: Service | undefined): Array<{ host?: number; container: number }> {
  return (service?.ports ?? []).map((entry) => {
    const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(':');
    const container = Number(parts[parts.length - 1]);
    const host = parts.length > 1 ? Number(parts[parts.length - 2]) : undefined;
    return { host, container };
  });
}

function dependsOn(service: Service | undefined): Record<string, string | undefined> {
  const deps = service?.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, value]) => [name, value?.condition]));
}

function commandText(service: Service | undefined): string {
  const parts = [service?.entrypoint, service?.command].flatMap((part) => (part === undefined ? [] : Array.isArray(part) ? part : [part]));
  // Compose turns `$$` into a literal `$` before the shell sees it.
  return parts.join('\n').replaceAll('$$', '$');
}

/** An image reference pinned to a version: a tag that starts with a number (or a digest), never latest. */
function pinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest' && /^v?\d+(\.\d+)+/.test(tag);
}

/** Everything wrong with a compose file (and Dockerfile), as sentences; empty when it is right. */
function composeProblems(doc: ComposeFile, dockerfile: string): string[] {
  const problems: string[] = [];
  const services = doc.services ?? {};
  const names: Partial<Record<Role, string>> = {};
  for (const [role, matches] of Object.entries(roles) as Array<[keyof typeof roles, (s: Service) => boolean]>) {
    const found = Object.entries(services).filter(([, service]) => matches(service)).map(([name]) => name);
    if (found.length !== 1) problems.push(`expected one ${role} service, found ${found.length} (${found.join(', ') || 'none'})`);
    else names[role] = found[0];
  }

  // Images: every one pinned; the worker's image is tagged with the project's version.
  for (const [name, service] of Object.entries(services)) {
    if (service.image === undefined) {
      if (service.build === undefined) problems.push(`service ${name} has neither an image nor a build`);
    } else if (!pinned(service.image)) {
      problems.push(`service ${name}: image "${service.image}" is not pinned to a version`);
    }
  }
  const worker = names.worker ? services[names.worker] : undefined;
  if (worker && worker.image !== undefined && !worker.image.endsWith(`:${packageJson.version}`)) {
    problems.push(`the worker image "${worker.image}" should carry the project version ${packageJson.version}`);
  }
  if (worker?.container_name) problems.push('the worker has a container_name, so it cannot be scaled out with --scale');

  // The worker's environment, against src/config.ts.
  const env = environmentOf(worker);
  const rules = workerVariableRules();
  for (const key of Object.keys(env)) {
    if (!(key in environmentVariables)) problems.push(`the worker sets ${key}, which src/config.ts does not read`);
  }
  for (const key of [...rules.required, ...rules.explicit]) {
    if (!env[key]) problems.push(`the worker does not set ${key} (${environmentVariables[key as keyof typeof environmentVariables]})`);
  }
  for (const key of rules.embeddedOnly) {
    if (key in env) problems.push(`the worker sets ${key}, which only the embedded runtime reads`);
  }
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    problems.push(`src/config.ts rejects the worker's environment: ${(error as Error).message}`);
  }

  // Temporal: the worker, the set-up and the UI all reach the server's frontend port.
  const temporal = names.temporal ? services[names.temporal] : undefined;
  const temporalEnv = environmentOf(temporal);
  const frontendPort = Number(temporalEnv.FRONTEND_GRPC_PORT ?? 7233);
  if (config?.temporal.address) {
    const [host, port] = config.temporal.address.split(':');
    if (host !== names.temporal) problems.push(`the worker's TEMPORAL_ADDRESS host "${host}" is not the Temporal service "${names.temporal}"`);
    if (Number(port) !== frontendPort) problems.push(`the worker's TEMPORAL_ADDRESS port ${port} is not the frontend port ${frontendPort}`);
  }
  if (temporal && !portMappings(temporal).some((p) => p.container === frontendPort)) {
    problems.push(`the Temporal service does not publish its frontend port ${frontendPort}`);
  }
  for (const role of ['setup', 'ui'] as const) {
    const address = environmentOf(names[role] ? services[names[role]!] : undefined).TEMPORAL_ADDRESS;
    if (address !== config?.temporal.address) problems.push(`the ${role} service's TEMPORAL_ADDRESS "${address}" differs from the worker's "${config?.temporal.address}"`);
    if (names[role] && names.temporal && !(names.temporal in dependsOn(services[names[role]!]))) problems.push(`the ${role} service does not depend on ${names.temporal}`);
  }

  // Temporal's persistence: PostgreSQL, the service it names, with matching credentials.
  if (!/^postgres/.test(temporalEnv.DB ?? '')) problems.push(`the Temporal service's DB is "${temporalEnv.DB}", not PostgreSQL`);
  names.temporalDatabase = temporalEnv.POSTGRES_SEEDS;
  const temporalDatabase = names.temporalDatabase ? services[names.temporalDatabase] : undefined;
  if (!temporalDatabase || !/^postgres:/.test(temporalDatabase.image ?? '')) {
    problems.push(`POSTGRES_SEEDS "${temporalEnv.POSTGRES_SEEDS}" is not a PostgreSQL service of this file`);
  } else {
    const dbEnv = environmentOf(temporalDatabase);
    if (dbEnv.POSTGRES_USER !== temporalEnv.POSTGRES_USER || dbEnv.POSTGRES_PASSWORD !== temporalEnv.POSTGRES_PWD) {
      problems.push('the Temporal service\'s PostgreSQL user or password differs from its database service\'s');
    }
    if (!(names.temporalDatabase! in dependsOn(temporal))) problems.push(`the Temporal service does not depend on ${names.temporalDatabase}`);
  }

  // Ferry's PostgreSQL: DATABASE_URL names a PostgreSQL service of this file, with its credentials.
  if (config?.database.url) {
    const url = new URL(config.database.url);
    names.ferryDatabase = url.hostname;
    const database = services[url.hostname];
    if (!database || !/^postgres:/.test(database.image ?? '')) {
      problems.push(`DATABASE_URL's host "${url.hostname}" is not a PostgreSQL service of this file`);
    } else {
      const dbEnv = environmentOf(database);
      if (Number(url.port || 5432) !== Number(dbEnv.PGPORT ?? 5432)) problems.push(`DATABASE_URL's port ${url.port} is not the one ${url.hostname} listens on`);
      if (decodeURIComponent(url.username) !== dbEnv.POSTGRES_USER) problems.push(`DATABASE_URL's user "${url.username}" is not ${url.hostname}'s POSTGRES_USER`);
      if (decodeURIComponent(url.password) !== dbEnv.POSTGRES_PASSWORD) problems.push(`DATABASE_URL's password is not ${url.hostname}'s POSTGRES_PASSWORD`);
      if (url.pathname.slice(1) !== (dbEnv.POSTGRES_DB ?? dbEnv.POSTGRES_USER)) problems.push(`DATABASE_URL's database "${url.pathname.slice(1)}" is not the one ${url.hostname} creates`);
      if (dependsOn(worker)[url.hostname] !== 'service_healthy') problems.push(`the worker does not wait for ${url.hostname} to be healthy`);
      if (url.hostname === names.temporalDatabase) problems.push('Ferry\'s data and Temporal\'s persistence share one PostgreSQL service');
    }
  }

  // The namespace: one name everywhere, created and given Ferry's search attributes by the set-up.
  const setupEnv = environmentOf(names.setup ? services[names.setup] : undefined);
  const namespace = config?.temporal.namespace;
  if (setupEnv.TEMPORAL_NAMESPACE !== namespace) problems.push(`the set-up prepares namespace "${setupEnv.TEMPORAL_NAMESPACE}", the worker uses "${namespace}"`);
  if (temporalEnv.DEFAULT_NAMESPACE !== undefined && temporalEnv.DEFAULT_NAMESPACE !== namespace) problems.push(`the server creates namespace "${temporalEnv.DEFAULT_NAMESPACE}", the worker uses "${namespace}"`);
  const uiEnv = environmentOf(names.ui ? services[names.ui] : undefined);
  if (uiEnv.TEMPORAL_DEFAULT_NAMESPACE !== namespace) problems.push(`the UI opens namespace "${uiEnv.TEMPORAL_DEFAULT_NAMESPACE}", the worker uses "${namespace}"`);
  const setupScript = commandText(names.setup ? services[names.setup] : undefined);
  if (!/temporal operator namespace create --namespace "\$TEMPORAL_NAMESPACE"/.test(setupScript)) problems.push('the set-up does not create the namespace');
  if (!/temporal operator search-attribute create --namespace "\$TEMPORAL_NAMESPACE" --name "\$1" --type "\$2"/.test(setupScript)) {
    problems.push('the set-up has no `register NAME TYPE` function that runs `temporal operator search-attribute create`');
  }
  const registered = [...setupScript.matchAll(/^\s*register\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => `${m[1]}=${m[2]}`).sort();
  if (JSON.stringify(registered) !== JSON.stringify(expectedSearchAttributes())) {
    problems.push(`the set-up registers ${registered.join(', ') || 'no search attributes'}; the code uses ${expectedSearchAttributes().join(', ')}`);
  }
  if (names.setup && dependsOn(worker)[names.setup] !== 'service_completed_successfully') problems.push('the worker does not wait for the set-up to finish');

  // The UI: its port published where it listens.
  const uiPort = Number(uiEnv.TEMPORAL_UI_PORT ?? 8080);
  if (names.ui && !portMappings(services[names.ui]).some((p) => p.container === uiPort)) problems.push(`the UI listens on ${uiPort} but does not publish it`);

  // Ports published on the host are distinct; named volumes are declared.
  const hostPorts = Object.entries(services).flatMap(([name, service]) => portMappings(service).filter((p) => p.host).map((p) => ({ name, port: p.host! })));
  for (const { name, port } of hostPorts) {
    const owners = hostPorts.filter((p) => p.port === port).map((p) => p.name);
    if (owners.length > 1 && owners[0] === name) problems.push(`host port ${port} is published by ${owners.join(' and ')}`);
  }
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      if (!/^[./~]/.test(source) && !(source in (doc.volumes ?? {}))) problems.push(`service ${name} uses volume "${source}", which is not declared`);
    }
  }

  // The Dockerfile: a pinned Node that satisfies package.json's engines, npm ci, `ferry worker`.
  const from = /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] ?? '';
  const nodeVersion = /^node:(\d+)\.(\d+)\.(\d+)/.exec(from);
  const engines = /^>=(\d+)\.(\d+)/.exec(packageJson.engines.node);
  if (!nodeVersion) problems.push(`the Dockerfile's base image "${from}" is not node pinned to a full version`);
  else if (engines && (Number(nodeVersion[1]) !== Number(engines[1]) || Number(nodeVersion[2]) < Number(engines[2]))) {
    problems.push(`the Dockerfile's Node ${nodeVersion.slice(1).join('.')} does not satisfy engines ${packageJson.engines.node} on the same major`);
  }
  if (!/^RUN\s+npm ci\b/m.test(dockerfile)) problems.push('the Dockerfile does not install with npm ci');
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const expectedCmd = ['node', packageJson.bin.ferry, 'worker'];
  if (!cmd || JSON.stringify(JSON.parse(cmd)) !== JSON.stringify(expectedCmd)) problems.push(`the Dockerfile's CMD is ${cmd}, not ${JSON.stringify(expectedCmd)}`);
  return problems;
}

describe('docker-compose.yml and the Dockerfile', () => {
  const doc = parse(composeText) as ComposeFile;

  it('have no problem the checks can find', () => {
    expect(composeProblems(doc, dockerfileText)).toEqual([]);
  });

  it('give the worker every production setting of src/config.ts, and point it at services of the file', () => {
    const rules = workerVariableRules();
    expect(rules.required.sort()).toEqual(['DATABASE_URL', 'TEMPORAL_ADDRESS']);
    const worker = Object.values(doc.services).find(roles.worker)!;
    const config = loadConfig(environmentOf(worker));
    expect(config.temporal.address?.split(':')[0]).toBe(Object.keys(doc.services).find((name) => roles.temporal(doc.services[name])));
    expect(config.database.url).toMatch(/^postgresql:\/\//);
    expect(Object.keys(environmentOf(worker)).sort()).toEqual([...rules.required, ...rules.explicit].sort());
  });

  it("register exactly the code's search attributes", () => {
    const setup = Object.values(doc.services).find(roles.setup);
    const registered = [...commandText(setup).matchAll(/^\s*register\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => `${m[1]}=${m[2]}`).sort();
    expect(registered).toEqual(expectedSearchAttributes());
    expect(registered).toEqual(['FerryKind=Keyword', 'FerryPhase=Keyword', 'FerryProgress=Int', 'FerryScope=Keyword']);
  });

  it('run the worker from files that exist', () => {
    expect(existsSync(path.join(projectRoot, packageJson.bin.ferry))).toBe(true);
    expect(existsSync(path.join(projectRoot, '.dockerignore'))).toBe(true);
    expect(readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8')).toMatch(/^node_modules$/m);
  });
});

describe('the compose check catches', () => {
  const fresh = () => parse(composeText) as ComposeFile;
  const service = (doc: ComposeFile, role: keyof typeof roles) => Object.values(doc.services).find(roles[role])!;
  const cases: Array<{ name: string; breakIt: (doc: ComposeFile) => void; dockerfile?: string; problem: RegExp }> = [
    { name: 'an image on latest', breakIt: (d) => { service(d, 'ui').image = 'temporalio/ui:latest'; }, problem: /image "temporalio\/ui:latest" is not pinned/ },
    { name: 'an image without a tag', breakIt: (d) => { service(d, 'setup').image = 'temporalio/admin-tools'; }, problem: /expected one setup service|not pinned/ },
    { name: 'a missing service', breakIt: (d) => { for (const [n, s] of Object.entries(d.services)) if (roles.ui(s)) delete d.services[n]; }, problem: /expected one ui service, found 0/ },
    { name: 'a worker without DATABASE_URL', breakIt: (d) => { delete (service(d, 'worker').environment as Record<string, string>).DATABASE_URL; }, problem: /does not set DATABASE_URL/ },
    { name: 'a worker without TEMPORAL_ADDRESS', breakIt: (d) => { delete (service(d, 'worker').environment as Record<string, string>).TEMPORAL_ADDRESS; }, problem: /does not set TEMPORAL_ADDRESS/ },
    { name: 'a misspelt variable', breakIt: (d) => { (service(d, 'worker').environment as Record<string, string>).FERRY_TASKQUEUE = 'x'; }, problem: /sets FERRY_TASKQUEUE, which src\/config.ts does not read/ },
    { name: 'an embedded-only variable on the worker', breakIt: (d) => { (service(d, 'worker').environment as Record<string, string>).FERRY_POSTGRES_PORT = '5433'; }, problem: /only the embedded runtime reads/ },
    { name: 'a worker pointed at the wrong port', breakIt: (d) => { (service(d, 'worker').environment as Record<string, string>).TEMPORAL_ADDRESS = 'temporal:7234'; }, problem: /port 7234 is not the frontend port 7233/ },
    { name: 'a database URL with the wrong password', breakIt: (d) => { const e = service(d, 'worker').environment as Record<string, string>; e.DATABASE_URL = e.DATABASE_URL.replace(':ferry@', ':wrong@'); }, problem: /password/ },
    { name: 'a namespace mismatch', breakIt: (d) => { (service(d, 'worker').environment as Record<string, string>).TEMPORAL_NAMESPACE = 'other'; }, problem: /namespace "ferry", the worker uses "other"/ },
    { name: 'a search attribute left out', breakIt: (d) => { const s = service(d, 'setup'); s.command = commandText(s).replace(/^\s*register FerryProgress Int\s*$/m, '').replaceAll('$', '$$'); }, problem: /registers FerryKind=Keyword, FerryPhase=Keyword, FerryScope=Keyword; the code uses/ },
    { name: 'a search attribute of the wrong type', breakIt: (d) => { const s = service(d, 'setup'); s.command = commandText(s).replace('register FerryProgress Int', 'register FerryProgress Keyword').replaceAll('$', '$$'); }, problem: /FerryProgress=Keyword/ },
    { name: 'two services on one host port', breakIt: (d) => { service(d, 'ui').ports = ['8080:8080', '5432:8081']; }, problem: /host port 5432 is published by/ },
    { name: 'a UI port not published', breakIt: (d) => { service(d, 'ui').ports = ['8080:8088']; }, problem: /UI listens on 8080 but does not publish it/ },
    { name: 'a scaled worker with a fixed name', breakIt: (d) => { service(d, 'worker').container_name = 'ferry-worker'; }, problem: /cannot be scaled out/ },
    { name: 'an unpinned Node image', breakIt: () => {}, dockerfile: dockerfileText.replace(/^FROM .*$/m, 'FROM node:20-slim'), problem: /not node pinned to a full version/ },
    { name: 'a Node older than engines', breakIt: () => {}, dockerfile: dockerfileText.replace(/^FROM .*$/m, 'FROM node:20.11.1-bookworm-slim'), problem: /does not satisfy engines/ },
    { name: 'a Dockerfile that runs something else', breakIt: () => {}, dockerfile: dockerfileText.replace(/^CMD .*$/m, 'CMD ["node", "bin/ferry.js", "dev"]'), problem: /CMD is/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const doc = fresh();
      c.breakIt(doc);
      expect(composeProblems(doc, c.dockerfile ?? dockerfileText).join('\n')).toMatch(c.problem);
    });
  }
});
