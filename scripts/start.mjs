// `npm start`: the desktop app when Electron can run here, otherwise browser mode on the demo
// project — and always a sentence saying which and why.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = join(root, 'node_modules', 'electron')
const args = process.argv.slice(2)

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const marker = join(root, 'out', 'renderer', 'index.html')
  const sources = Math.max(newestMtime(join(root, 'src-main')), newestMtime(join(root, 'src-renderer')))
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return
  console.log('vicurate: building the app (electron-vite build)…')
  const r = spawnSync('electron-vite', ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

/** Path of the Electron binary, fetching it on first use (electron ≥ 45 downloads lazily). */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(join(electronDir, 'package.json'))) return { error: 'the electron package is not installed' }
  const binary = () => (existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null)
  let bin = binary()
  if (!bin || !existsSync(bin)) {
    console.log('vicurate: fetching the Electron runtime (first start only)…')
    const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: 300_000 })
    bin = binary()
    if (r.status !== 0 || !bin || !existsSync(bin)) {
      // The first line that is not a stack frame carries the reason ("TypeError: fetch failed").
      const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '))
      const why = lines.find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN|fetch failed/i.test(l)) ?? lines.at(-1) ?? `exit ${r.status}`
      return { error: `the Electron runtime could not be downloaded (${why})` }
    }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { error: 'no graphical display (DISPLAY/WAYLAND_DISPLAY unset)' }
  }
  return { bin }
}

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit' })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => process.exit(code ?? 0))
}

buildIfStale()
const electron = process.env.VICURATE_BROWSER_MODE ? { error: 'VICURATE_BROWSER_MODE is set' } : electronBinary()
if (electron.bin) {
  run(electron.bin, ['.', ...args])
} else {
  const project = args[0] ?? join(root, 'demo.vicurate')
  console.log(`vicurate: starting browser mode, because ${electron.error}.`)
  console.log('vicurate: the same UI and API are served on this machine only; open the URL below in a browser.')
  run(process.execPath, [join(root, 'bin', 'vicurate'), 'demo', project, '--serve'])
}
