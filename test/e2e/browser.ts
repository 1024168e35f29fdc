/** Browser test helpers: the built web app, Debian's Chromium driven by playwright-core. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { PROJECT_ROOT } from '../../server/paths.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds the web app into a temporary folder (the service serves it from there). */
export async function buildClient(): Promise<string> {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-client-'));
  await build({
    configFile: path.join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where browser tests save screenshots (git-ignored; the README's copies live in docs/screenshots). */
export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results', 'screenshots');
