import type Database from 'better-sqlite3'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrationsDir } from '../core/app-paths'
import { sorterThreads } from './index-build'

export interface Migration {
  version: number
  name: string
  sql: string
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Reads `NNNN_name.sql` files in version order; a gap or duplicate is a packaging bug. */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => FILE_RE.test(f))
    .sort()
    .map((f) => {
      const m = FILE_RE.exec(f)!
      return { version: Number(m[1]), name: m[2], sql: readFileSync(join(dir, f), 'utf8') }
    })
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name}: expected version ${i + 1}`)
  })
  return migrations
}

export const latestSchemaVersion = (migrations = loadMigrations()): number => migrations.length

/**
 * Applies pending migrations, each in its own transaction together with its bookkeeping row and
 * `user_version`, so a crash leaves the file at a whole version. Foreign keys are off while they
 * run, as SQLite prescribes for rebuilding a table (0008): with them on, dropping the old table
 * would cascade-delete every row that points at it. A migration that rebuilds a table must not
 * add to foreign_key_check's findings, or it rolls back.
 */
export function migrate(db: Database.Database, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const current = db.pragma('user_version', { simple: true }) as number
  const applied: number[] = []
  if (!migrations.some((m) => m.version > current)) return applied
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  const threads = db.pragma('threads', { simple: true }) as number
  db.pragma('foreign_keys = OFF') // a no-op inside a transaction: set before any begins
  // Sorter helper threads for the indexes a migration builds: 0008 on a 1M-clip project took
  // 10.8–11.4 s with two instead of 13.1–14.9 s without (measured alternating, 2 cores).
  db.pragma(`threads = ${sorterThreads()}`)
  try {
    for (const m of migrations) {
      if (m.version <= current) continue
      applyOne(db, m)
      applied.push(m.version)
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys}`)
    db.pragma(`threads = ${threads}`)
  }
  return applied
}

/** Rows whose reference points nowhere; counted around a migration that rebuilds a table. */
const brokenReferences = (db: Database.Database): number => (db.pragma('foreign_key_check') as unknown[]).length

/**
 * Whether a migration drops an ordinary table (a rebuild, as 0008's of clips): only that can break
 * references. Dropping a virtual table (the search index, 0010) cannot: none can be referenced.
 */
function dropsOrdinaryTable(db: Database.Database, sql: string): boolean {
  const definition = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck()
  for (const m of sql.matchAll(/\bDROP TABLE\s+(?:IF EXISTS\s+)?["`]?(\w+)/gi)) {
    const def = definition.get(m[1]) as string | undefined
    if (def === undefined || !/^CREATE VIRTUAL TABLE/i.test(def)) return true
  }
  return false
}

function applyOne(db: Database.Database, m: Migration): void {
  // Only a rebuild can break references; the check reads every referencing table, so the others skip it.
  const rebuilds = dropsOrdinaryTable(db, m.sql)
  db.transaction(() => {
    const before = rebuilds ? brokenReferences(db) : 0
    db.exec(m.sql)
    const after = rebuilds ? brokenReferences(db) : 0
    if (after > before) throw new Error(`migration ${m.version}_${m.name} would break ${after - before} reference(s) between tables; not applied`)
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString())
    db.pragma(`user_version = ${m.version}`)
  })()
}
