import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { ProjectContext } from '../../core/project-context'
import type { Db } from '../../db/connection'
import { latestSchemaVersion, loadMigrations, migrate } from '../../db/migrate'

/**
 * A shard file is an SQLite database holding the project schema (the real migrations) with just
 * one shard's clips copied in, plus two tables of its own:
 *  - `shard_meta`    which project (identity), which shard (i/n), when;
 *  - `shard_outputs` every score, embedding and clip step the shard's run wrote (what merge folds in).
 * Reusing the project schema lets the unmodified scoring stages run against the shard: their
 * pending-clip SQL, resume logic and repository writes behave exactly as on the project, only
 * over 1/n of the clips. Its application_id ("VCSH") differs from a project's ("VCUR"), so
 * `vicurate` refuses to open a shard as a project and merge refuses a project as a shard.
 */
export const SHARD_APPLICATION_ID = 0x56435348

export class ShardError extends Error {}

const SHARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS shard_meta (key TEXT PRIMARY KEY, value_json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shard_outputs (
  what           TEXT NOT NULL CHECK (what IN ('score', 'embedding', 'step')),
  clip_id        INTEGER NOT NULL,
  -- score: its kind; step: the step name; embedding: ''
  key            TEXT NOT NULL,
  model_id       TEXT,
  model_revision TEXT,
  PRIMARY KEY (what, clip_id, key)
) WITHOUT ROWID;`

export interface ShardMeta {
  projectId: string
  projectPath: string
  index: number
  count: number
  schemaVersion: number
  createdAt: string
}

/** Opens (or creates) a shard file. Rollback journal, not WAL: one writer, and WAL breaks on NFS. */
export function openShardDb(path: string, opts: { create: boolean }): Db {
  if (!existsSync(path) && !opts.create) throw new ShardError(`shard file ${path} does not exist`)
  let db: Db
  try {
    db = new Database(path, { fileMustExist: !opts.create })
  } catch (err) {
    throw new ShardError(`cannot open shard file ${path}: ${(err as Error).message}`)
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number
    const empty = (db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number }).n === 0
    if (appId !== SHARD_APPLICATION_ID && !(empty && opts.create)) {
      throw new ShardError(`${path} is not a vicurate shard file${appId === 0x56435552 ? ' (it is a project)' : ''}`)
    }
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > latestSchemaVersion()) throw new ShardError(`${path} was written by a newer vicurate (schema ${version})`)
    db.pragma('journal_mode = DELETE')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    if (opts.create) {
      db.pragma(`application_id = ${SHARD_APPLICATION_ID}`)
      migrate(db, loadMigrations())
      db.exec(SHARD_SCHEMA)
    }
    return db
  } catch (err) {
    db.close()
    if (err instanceof Error && err.message.includes('file is not a database')) throw new ShardError(`${path} is not a vicurate shard file (not SQLite)`)
    throw err
  }
}

export function readShardMeta(db: Db): ShardMeta | null {
  const rows = db.prepare('SELECT key, value_json FROM shard_meta').all() as { key: string; value_json: string }[]
  if (rows.length === 0) return null
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json) as unknown])) as unknown as ShardMeta
}

export function writeShardMeta(db: Db, meta: ShardMeta): void {
  const put = db.prepare('INSERT INTO shard_meta (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json')
  db.transaction(() => {
    for (const [k, v] of Object.entries(meta)) put.run(k, JSON.stringify(v))
  })()
}

const IDENTITY_KEY = 'project_identity'

/**
 * The project's identity: a random id stored in its settings the first time a shard is made.
 * Paths differ between a workstation and cluster nodes, and content changes as clips are added,
 * so neither can tell "another project" from "this project, seen elsewhere"; a stored id can.
 * Concurrent shard starts race benignly: the first insert wins and everyone reads it back.
 */
export function projectIdentity(ctx: ProjectContext): string {
  ctx.db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(IDENTITY_KEY, JSON.stringify(randomUUID()))
  return ctx.repos.settings.get<string>(IDENTITY_KEY, '')
}

/** The stored identity, or null for a project no shard was ever made of (merge writes nothing). */
export const storedProjectIdentity = (ctx: ProjectContext): string | null => ctx.repos.settings.get<string | null>(IDENTITY_KEY, null)

/** Columns a row copy must list: stored columns only (generated ones are recomputed). */
export function storedColumns(db: Db, table: string, schema = 'main'): string[] {
  const cols = db.prepare(`PRAGMA ${schema}.table_xinfo(${table})`).all() as { name: string; hidden: number }[]
  return cols.filter((c) => c.hidden === 0).map((c) => c.name)
}
