import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * Locating and running the Python that has torch + onnx.
 *
 * The first `python3` on PATH here is a pyenv build without them; Debian's /usr/bin/python3
 * has python3-torch and python3-onnx. VICURATE_PYTHON overrides both (CI images, venvs).
 */
export const repoRoot = path.resolve(__dirname, '..', '..')

export function pythonPath(): string {
  const override = process.env.VICURATE_PYTHON
  if (override) return override
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
}

export interface PythonResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs `python args...` in the repository root (so `-m tools.x` resolves); never throws on exit code. */
export function runPython(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<PythonResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(pythonPath(), args, {
      cwd: opts.cwd ?? repoRoot,
      // One BLAS thread per core is plenty on CI machines and avoids oversubscription with vitest workers.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', reject)
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** Runs `python -m module args...`; throws with stderr when it exits non-zero. */
export async function runPythonModule(module: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<PythonResult> {
  const result = await runPython(['-m', module, ...args], opts)
  if (result.code !== 0) {
    throw new Error(`${pythonPath()} -m ${module} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
  }
  return result
}

const probes = new Map<string, Promise<string | null>>()

/**
 * Null when the interpreter can import the given modules, otherwise the reason — for
 * `it.skipIf`-style guards on machines without torch (the reason should be printed, not hidden).
 */
export function pythonMissing(modules: string[] = ['torch', 'onnx', 'numpy']): Promise<string | null> {
  const key = modules.join(', ')
  let probe = probes.get(key)
  if (!probe) {
    probe = runPython(['-c', `import ${key}`], { timeoutMs: 60_000 }).then(
      (r) => (r.code === 0 ? null : `${pythonPath()} cannot import ${key}: ${r.stderr.trim().split('\n').pop()}`),
      (e: unknown) => `${pythonPath()} did not start: ${String(e)}`,
    )
    probes.set(key, probe)
  }
  return probe
}

/** Synchronous twin of pythonMissing, for `describe.skipIf(...)` at module level (no top-level await in CJS). */
export function pythonMissingSync(modules: string[] = ['torch', 'onnx', 'numpy']): string | null {
  const key = modules.join(', ')
  const r = spawnSync(pythonPath(), ['-c', `import ${key}`], { encoding: 'utf8', timeout: 60_000 })
  if (r.error) return `${pythonPath()} did not start: ${r.error.message}`
  return r.status === 0 ? null : `${pythonPath()} cannot import ${key}: ${r.stderr.trim().split('\n').pop()}`
}
