/**
 * Docker cannot run here, so the deployment files are checked by reading them: the Dockerfile,
 * docker-compose.yml, the nginx configuration, and that every variable the code reads is
 * documented in .env.example and the README (and nothing documented is unknown to the code).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f));
}

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .replace(/\\\n\s*/g, ' ') // join continued lines
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.flatMap((l, i) => (/^FROM\s/i.test(l) ? [i] : []));
  const runtime = lines.slice(stages.at(-1));

  it('is multi-stage, building in one stage and running from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /^RUN npm run build/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY --from=\w+ .*dist/.test(l))).toBe(true);
  });

  it('installs production dependencies only in the runtime stage', () => {
    const install = runtime.find((l) => /npm ci/.test(l));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--omit=optional/); // no embedded PostgreSQL in the image
  });

  it('runs as a non-root user, with a health check, the migrations and the built server', () => {
    const user = runtime.find((l) => /^USER\s/.test(l));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(\s|:|$)/);
    expect(runtime.some((l) => /^HEALTHCHECK\s/.test(l) && l.includes('/health'))).toBe(true);
    expect(runtime.some((l) => /^COPY db \.\/db/.test(l))).toBe(true);
    const cmd = runtime.find((l) => /^CMD\s/.test(l)) ?? '';
    const buildConfig = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string } };
    expect(cmd).toContain(`${buildConfig.compilerOptions.outDir}/server/main.js`);
    expect(runtime.some((l) => /^EXPOSE 8000/.test(l))).toBe(true);
  });

  it('needs nothing at run time that the production install leaves out', () => {
    const pkg = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const sources = [...filesUnder('server'), ...filesUnder('shared')].filter((f) => f.endsWith('.ts'));
    for (const file of sources) {
      const text = read(file);
      // Static imports must be production dependencies (the image installs with --omit=dev).
      for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'/gm)) {
        if (!specifier || specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        expect(Object.keys(pkg.dependencies), `${file} imports ${specifier}`).toContain(name);
      }
    }
    // The optional embedded PostgreSQL (left out with --omit=optional) is only ever imported lazily.
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
      const importers = sources.filter((f) => read(f).includes(`from '${name}'`));
      expect(importers, `${name} imported statically`).toEqual([]);
    }
  });
});

describe('docker-compose.yml', () => {
  interface Service {
    image?: string;
    build?: string;
    volumes?: string[];
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
    environment?: Record<string, string>;
    env_file?: Array<{ path: string; required?: boolean }>;
    ports?: string[];
  }
  const compose = parseYaml(read('docker-compose.yml')) as {
    services: Record<string, Service | undefined>;
    volumes: Record<string, unknown>;
  };
  const { postgres, pgbouncer, app, nginx } = compose.services;
  /** A compose value as compose reads it when the variables are unset: `${NAME:-default}` → default. */
  const withDefaults = (value: string) => value.replace(/\$\{[A-Z][A-Z0-9_]*:-([^}]*)\}/g, '$1');

  it('runs PostgreSQL with a volume and a health check', () => {
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    const volumes = postgres?.volumes ?? [];
    expect(volumes.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain(volumes[0]?.split(':')[0]);
    expect(postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
  });

  it('starts the app once the database and its pooler are healthy, with the settings of .env', () => {
    expect(app?.build).toBe('.');
    expect(app?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(app?.depends_on?.pgbouncer?.condition).toBe('service_healthy');
    const env = app?.environment ?? {};
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, name).toContain(name);
    expect(app?.env_file).toEqual([{ path: '.env', required: false }]);
  });

  it('puts PgBouncer in transaction mode between the app and PostgreSQL, and LISTEN beside it', () => {
    const env = app?.environment ?? {};
    const bouncer = pgbouncer?.environment ?? {};
    expect(pgbouncer?.image).toMatch(/^edoburu\/pgbouncer:\d+\.\d+\.\d+$/); // pinned, not latest
    expect(pgbouncer?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(bouncer).toMatchObject({ DB_HOST: 'postgres', POOL_MODE: 'transaction' });
    expect(pgbouncer?.healthcheck?.test.join(' ')).toContain(`pg_isready -h 127.0.0.1 -p ${bouncer.LISTEN_PORT} `);
    // The settings the app starts with when no variable is set: they pass its own validation.
    const config = loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, withDefaults(v)])));
    expect(config.databasePoolMode).toBe('transaction');
    const pooled = new URL(config.databaseUrl ?? '');
    const direct = new URL(config.listenDatabaseUrl ?? '');
    expect([pooled.hostname, pooled.port]).toEqual(['pgbouncer', bouncer.LISTEN_PORT]);
    expect([direct.hostname, direct.port]).toEqual(['postgres', '5432']);
    // One database and one user, as PgBouncer and PostgreSQL know them.
    for (const url of [pooled, direct]) {
      expect(url.pathname).toBe(`/${bouncer.DB_NAME}`);
      expect(url.username).toBe(bouncer.DB_USER);
      expect(url.password).toBe(withDefaults(bouncer.DB_PASSWORD ?? ''));
    }
    expect(postgres?.environment).toMatchObject({ POSTGRES_DB: bouncer.DB_NAME, POSTGRES_USER: bouncer.DB_USER });
    expect(postgres?.environment?.POSTGRES_PASSWORD).toBe(bouncer.DB_PASSWORD);
  });

  it('scales behind nginx: only nginx publishes a port, and it waits for healthy instances', () => {
    // A fixed host port on the app would stop `--scale app=3` (one port, three replicas) and let
    // clients bypass the proxy whose X-Forwarded-For the app trusts.
    expect(app?.ports).toBeUndefined();
    expect(nginx?.ports).toHaveLength(1);
    expect(nginx?.ports?.[0]).toMatch(/^\$\{APP_PORT:-8000\}:80$/);
    expect(nginx?.depends_on?.app?.condition).toBe('service_healthy');
    const mount = nginx?.volumes?.[0] ?? '';
    expect(fs.existsSync(path.join(PROJECT_ROOT, mount.split(':')[0] ?? ''))).toBe(true);
    expect(read('README.md')).toMatch(/docker compose .*--scale app=\d/);
  });
});

describe("the README's Deploying section", () => {
  const readme = read('README.md');
  const deploying = readme.slice(readme.indexOf('## Deploying'), readme.indexOf('## Security'));
  const compose = parseYaml(read('docker-compose.yml')) as {
    services: Record<string, { profiles?: string[]; ports?: string[] } | undefined>;
  };

  it('uses only profiles the compose file has, and the port it publishes', () => {
    const profiles = Object.values(compose.services).flatMap((service) => service?.profiles ?? []);
    for (const [, profile] of deploying.matchAll(/--profile (\S+)/g)) expect(profiles).toContain(profile);
    const published = Object.values(compose.services)
      .flatMap((service) => service?.ports ?? [])
      .map((port) => /(\d+)\}?:\d+$/.exec(port)?.[1]);
    const urls = [...deploying.matchAll(/http:\/\/localhost:(\d+)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const port of urls) expect(published, `localhost:${port}`).toContain(port);
  });
});

describe('deploy/nginx.conf', () => {
  const directives = read('deploy/nginx.conf')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);

  it('logs paths without their query strings (EventSource sends its token in the URL)', () => {
    const text = directives.join('\n');
    const formats = [...text.matchAll(/log_format\s+(\S+)\s+([^;]*);/g)];
    const logs = directives.filter((d) => d.startsWith('access_log'));
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) {
      const [, , format] = log.replace(/;$/, '').split(/\s+/);
      const body = formats.find(([, name]) => name === format)?.[2];
      expect(body, `${log} uses a format of this file`).toBeDefined();
      expect(body).toContain('$uri');
      // $request is the request line, query string included; $request_uri, $args too.
      expect(body).not.toMatch(/\$(request(?![_a-z])|request_uri|args|query_string|arg_)/);
    }
  });

  it('keeps WebSockets working', () => {
    expect(directives).toContain('proxy_http_version 1.1;');
    expect(directives).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(directives).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(directives).toContain('proxy_buffering off;'); // SSE
  });

  it('keeps a client on one instance, for Socket.IO long-polling', () => {
    expect(directives).toContain('ip_hash;');
    expect(directives).toContain('server app:8000;');
  });

  it('passes the Host with its port (socket handshakes compare it with Origin)', () => {
    expect(directives).toContain('proxy_set_header Host $http_host;');
  });

  it('sets X-Forwarded-For itself, so a client cannot choose its address', () => {
    expect(directives).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(directives.join('\n')).not.toContain('$proxy_add_x_forwarded_for');
  });

  it('lets bodies through up to the app, so the app answers a large one with its JSON error', () => {
    const size = directives.find((d) => d.startsWith('client_max_body_size'));
    const kib = Number(/(\d+)k;$/.exec(size ?? '')?.[1]);
    expect(kib * 1024).toBeGreaterThan(MAX_JSON_BODY_BYTES);
  });
});

describe('configuration is documented, both ways', () => {
  const example = read('.env.example');
  const readme = read('README.md');
  const documentedInExample = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  // Variables docker-compose.yml reads itself (${NAME…}) and the app does not.
  const composeOnly = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)]
    .map((m) => m[1] as string)
    .filter((name) => !CONFIG_VARIABLES.includes(name));
  const configSection = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## API'));
  const documentedInReadme = [...configSection.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]);

  it('lists every variable the code reads in .env.example and the README', () => {
    for (const name of CONFIG_VARIABLES) {
      expect(documentedInExample, `.env.example lacks ${name}`).toContain(name);
      expect(documentedInReadme, `README lacks ${name}`).toContain(name);
    }
  });

  it('documents no variable the code does not read', () => {
    for (const name of documentedInExample) {
      expect([...CONFIG_VARIABLES, ...composeOnly], `.env.example: ${name}`).toContain(name);
    }
    for (const name of documentedInReadme) expect(CONFIG_VARIABLES, `README: ${name}`).toContain(name);
  });

  it('lists the variables docker-compose.yml reads in .env.example', () => {
    expect(composeOnly.length).toBeGreaterThan(0);
    for (const name of composeOnly) expect(documentedInExample, `.env.example lacks ${name}`).toContain(name);
  });

  it('reads the environment only in server/config.ts', () => {
    const readers = filesUnder('server')
      .filter((f) => f.endsWith('.ts') && f !== path.join('server', 'config.ts'))
      .filter((f) => /process\.env\.|process\.env\[/.test(read(f)));
    expect(readers).toEqual([]);
  });
});
