import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// base './' so the same build loads from app:// in Electron and from http://127.0.0.1 in browser mode.
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // A local app: one bundle loads from disk, so the web-page size warning does not apply.
    chunkSizeWarningLimit: 1500,
  },
});
