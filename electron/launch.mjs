#!/usr/bin/env node
// `npm start`: runs the Electron app, or explains what to do when no Electron binary is installed
// (Electron's own launcher would try to download one, which fails offline with a stack trace).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');
const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
const binary = existsSync(pathFile) ? join(distDir, readFileSync(pathFile, 'utf8').trim()) : undefined;

if (!binary || !existsSync(binary)) {
  console.error(`Hivedesk: no Electron binary is installed, so the desktop window cannot open.

  To get one (needs access to Electron's download site):
      npx install-electron            (or: rm -rf node_modules/electron && npm install)
  or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron ${JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version}.

  Without Electron, the same app runs in your browser:
      npm run web -- --port 0
  and open the http://127.0.0.1:…/?token=… address it prints.`);
  process.exit(1);
}

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
