import vue from '@vitejs/plugin-vue'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Two projects: the Node core (real SQLite, real ffmpeg, real ONNX) and the Vue renderer (jsdom).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Tests never see the user's installed models: scoring tests bring their own fixtures.
          env: { VICURATE_MODELS_DIR: join(tmpdir(), 'vicurate-test-models-none') },
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['test/web/**/*.test.ts'],
        },
      },
    ],
  },
})
