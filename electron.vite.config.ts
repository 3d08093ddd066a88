import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

// Folder names follow the design card (src-main, src-renderer), so entries are explicit.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Worker threads (jobs, statistics, import parsing, export formatting, batch decisions) load their own entries from files beside index.js.
      lib: {
        entry: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          'job-worker': resolve(__dirname, 'src-main/jobs/job-worker.ts'),
          'stats-worker': resolve(__dirname, 'src-main/services/stats/stats-worker.ts'),
          'dataset-import-worker': resolve(__dirname, 'src-main/services/dataset-import-worker.ts'),
          'batch-worker': resolve(__dirname, 'src-main/services/batch-worker.ts'),
          'dataset-export-worker': resolve(__dirname, 'src-main/services/dataset-export-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: { index: resolve(__dirname, 'src-main/electron/preload.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
})
