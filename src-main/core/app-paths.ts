import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

let cached: string | null = null

/**
 * The repository/app root (the folder holding vicurate's package.json). Found by walking up,
 * because this module runs both from source (tsx, vitest) and from electron-vite's bundle in
 * out/main, and SQL migrations and the built renderer are located relative to it.
 */
export function appRoot(): string {
  if (cached) return cached
  let dir = __dirname
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vicurate') {
          cached = dir
          return dir
        }
      } catch {
        // unreadable package.json: keep walking
      }
    }
    const up = dirname(dir)
    if (up === dir) throw new Error(`cannot locate the vicurate app root above ${__dirname}`)
    dir = up
  }
}

export const migrationsDir = (): string => join(appRoot(), 'src-main', 'db', 'migrations')
export const rendererDistDir = (): string => join(appRoot(), 'out', 'renderer')
