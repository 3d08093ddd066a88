/**
 * `vicurate` with one more registry entry, for crash-model-install.test.ts: the entry (JSON in
 * VICURATE_TEST_MODEL_ENTRY) names a model fixture on the test's loopback server. Everything the
 * test kills is the real CLI path (models.command → ModelStore → downloadFile); only the registry
 * it reads has one entry more, since the real entries point at the publishers' servers.
 * VICURATE_CRASH_CLI (a deliberately broken copy of src-main/cli/main.ts) is honoured as for the
 * other stages.
 */
import { join } from 'node:path'
import { MODEL_REGISTRY, type RegistryEntry } from '../../../src-main/ml/model-registry'

const raw = process.env.VICURATE_TEST_MODEL_ENTRY
if (!raw) throw new Error('model-install-cli.ts: VICURATE_TEST_MODEL_ENTRY (a registry entry as JSON) is not set')
;(MODEL_REGISTRY as RegistryEntry[]).push(JSON.parse(raw) as RegistryEntry)

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CLI module is chosen at run time
const main = require(process.env.VICURATE_CRASH_CLI ?? join(__dirname, '..', '..', '..', 'src-main', 'cli', 'main.ts')) as typeof import('../../../src-main/cli/main')
void main.runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
