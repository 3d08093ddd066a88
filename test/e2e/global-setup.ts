import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const E2E_DIR = join(__dirname, '..', '..', 'test-results', 'e2e-project')
export const SERVER_INFO = join(E2E_DIR, 'server.json')

/**
 * Builds a fresh demo project with the real CLI and serves it with `vicurate serve`, the way a
 * user would; the URL with its token is handed to the specs through a file.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(E2E_DIR, { recursive: true, force: true })
  mkdirSync(E2E_DIR, { recursive: true })
  const bin = join(__dirname, '..', '..', 'bin', 'vicurate')
  const project = join(E2E_DIR, 'demo.vicurate')
  const child = spawn(bin, ['demo', project, '--offline', '--serve'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vicurate serve did not start:\n${log}`)), 120_000)
    const onData = (d: Buffer) => {
      log += d.toString()
      const m = /open: (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`vicurate exited with ${code}:\n${log}`)))
  })
  writeFileSync(SERVER_INFO, JSON.stringify({ openUrl, project }))
  return async () => {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
}
