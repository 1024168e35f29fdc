/**
 * Docker cannot run here, so the deployment files are checked by reading them: the Dockerfile,
 * docker-compose.yml, the nginx example, and that every variable the code reads is documented
 * in .env.example and the README (and nothing documented is unknown to the code).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES } from '../../server/config.js';
import { PROJECT_ROOT } from '../../server/paths.js';

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
});

describe('docker-compose.yml', () => {
  interface Service {
    image?: string;
    build?: string;
    volumes?: string[];
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
    environment?: Record<string, string>;
    profiles?: string[];
  }
  const compose = parseYaml(read('docker-compose.yml')) as {
    services: Record<string, Service | undefined>;
    volumes: Record<string, unknown>;
  };
  const { postgres, app, nginx } = compose.services;

  it('runs PostgreSQL with a volume and a health check', () => {
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    const volumes = postgres?.volumes ?? [];
    expect(volumes.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain(volumes[0]?.split(':')[0]);
    expect(postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
  });

  it('starts the app once the database is healthy, pointed at it', () => {
    expect(app?.build).toBe('.');
    expect(app?.depends_on?.postgres?.condition).toBe('service_healthy');
    const env = app?.environment ?? {};
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, name).toContain(name);
  });

  it('has a documented way to run several instances behind nginx', () => {
    expect(nginx?.profiles).toContain('scaled');
    const mount = nginx?.volumes?.[0] ?? '';
    expect(fs.existsSync(path.join(PROJECT_ROOT, mount.split(':')[0] ?? ''))).toBe(true);
    const conf = read('deploy/nginx.conf');
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/ip_hash;/); // Socket.IO long-polling needs a client to stay on one instance
    expect(conf).toMatch(/server app:8000/);
    expect(read('README.md')).toContain('--profile scaled');
  });
});

describe('configuration is documented, both ways', () => {
  const example = read('.env.example');
  const readme = read('README.md');
  const documentedInExample = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  const configSection = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## API'));
  const documentedInReadme = [...configSection.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]);

  it('lists every variable the code reads in .env.example and the README', () => {
    for (const name of CONFIG_VARIABLES) {
      expect(documentedInExample, `.env.example lacks ${name}`).toContain(name);
      expect(documentedInReadme, `README lacks ${name}`).toContain(name);
    }
  });

  it('documents no variable the code does not read', () => {
    for (const name of documentedInExample) expect(CONFIG_VARIABLES, `.env.example: ${name}`).toContain(name);
    for (const name of documentedInReadme) expect(CONFIG_VARIABLES, `README: ${name}`).toContain(name);
  });

  it('reads the environment only in server/config.ts', () => {
    const readers = filesUnder('server')
      .filter((f) => f.endsWith('.ts') && f !== path.join('server', 'config.ts'))
      .filter((f) => /process\.env\.|process\.env\[/.test(read(f)));
    expect(readers).toEqual([]);
  });
});
