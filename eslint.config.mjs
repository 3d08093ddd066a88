// ESLint flat config. The layering rules of HOUSE_STYLE §2 live here so they cannot rot:
// core never imports electron, nothing in src-main imports vue, the renderer takes only types
// from main, and only the media adapter touches fluent-ffmpeg.
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src-main/electron/ may import electron: the core must run under plain Node.',
}
const noVueInMain = [
  { name: 'vue', message: 'src-main must not import vue (the renderer owns the UI).' },
  { name: 'pinia', message: 'src-main must not import pinia.' },
]
const ffmpegOnlyInAdapter = {
  name: 'fluent-ffmpeg',
  message: 'Every ffmpeg call goes through src-main/media/ffmpeg/ (fluent-ffmpeg is archived upstream).',
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'test/artifacts/**', 'bench/tmp/**', 'tools/**/*.py'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**', 'src-main/media/ffmpeg/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ...noVueInMain, ffmpegOnlyInAdapter] }] },
  },
  {
    files: ['src-main/media/ffmpeg/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ...noVueInMain] }] },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [...noVueInMain, ffmpegOnlyInAdapter] }] },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}', 'test/web/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**', '!**/src-main/api/contract', '!**/src-main/api/errors', '!**/src-main/api/desktop-shell'],
              message: 'The renderer may import only types from src-main/api.',
            },
            {
              group: ['**/src-main/api/contract', '**/src-main/api/errors', '**/src-main/api/desktop-shell'],
              allowTypeImports: true,
              message: 'Import only types from src-main/api (use `import type`).',
            },
          ],
          paths: [{ name: 'electron', message: 'The renderer talks to main only through the preload API.' }],
        },
      ],
    },
  },
  {
    files: ['bin/vicurate', 'scripts/**/*.mjs', '*.mjs'],
    languageOptions: { globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
