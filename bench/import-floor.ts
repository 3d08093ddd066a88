/**
 * What SQLite alone does with the imported rows on this machine: the floor under any import
 * design that keeps clips in a SQLite project. The rows the import just wrote are read back in
 * blocks (untimed) and inserted, with the columns the import writes, into a fresh project-like
 * file (WAL, synchronous NORMAL, foreign keys off as during an import, one transaction per 100k
 * rows, 32 rows per statement): `bare`, a table with those columns and nothing else; `clips`,
 * the project's own clips definition (CHECKs, defaults, generated columns) with no index, which
 * is where a bulk load's rows go. No parsing, validation, video rows or FTS in either. Side by
 * side in one bench run, so the ratio to the real import holds at any load.
 */
import Database from 'better-sqlite3'
import { rmSync } from 'node:fs'
import type { Db } from '../src-main/db/connection'

const BLOCK = 100_000
const PER_STATEMENT = 32
const COLUMNS = ['video_id', 'start_s', 'end_s', 'caption', 'similarity', 'aesthetic', 'extra_json', 'media_path', 'created_at', 'updated_at', 'import_id', 'imported_scores']

export interface ImportFloor {
  rows: number
  seconds: number
  rows_per_s: number
  cpu_s: number
}

export function measureImportFloor(source: Db, path: string, table: 'bare' | 'clips'): ImportFloor {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = OFF')
    if (table === 'bare') {
      db.exec(`CREATE TABLE bare (id INTEGER PRIMARY KEY, video_id INTEGER, start_s REAL, end_s REAL, caption TEXT,
        similarity REAL, aesthetic REAL, extra_json TEXT, media_path TEXT, created_at TEXT, updated_at TEXT, import_id INTEGER, imported_scores INTEGER)`)
    } else {
      const sql = source.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'clips'").pluck().get() as string
      db.exec(sql.replace(/^CREATE TABLE "?clips"?/, 'CREATE TABLE bare'))
    }
    const row = `(${COLUMNS.map(() => '?').join(', ')})`
    const insertMany = db.prepare(`INSERT INTO bare (${COLUMNS.join(', ')}) VALUES ${Array(PER_STATEMENT).fill(row).join(', ')}`)
    const insertOne = db.prepare(`INSERT INTO bare (${COLUMNS.join(', ')}) VALUES ${row}`)
    const read = source.prepare(`SELECT id, ${COLUMNS.join(', ')} FROM clips WHERE id > ? ORDER BY id LIMIT ${BLOCK}`).raw()
    const args: unknown[] = new Array<unknown>(COLUMNS.length * PER_STATEMENT)
    // Each read row is [id, ...COLUMNS].
    const writeBlock = db.transaction((rows: unknown[][]) => {
      let i = 0
      for (; i + PER_STATEMENT <= rows.length; i += PER_STATEMENT) {
        for (let r = 0; r < PER_STATEMENT; r++) {
          const src = rows[i + r]
          for (let c = 0; c < COLUMNS.length; c++) args[r * COLUMNS.length + c] = src[c + 1]
        }
        insertMany.run(args)
      }
      for (; i < rows.length; i++) insertOne.run(rows[i].slice(1))
    })
    let after = 0
    let rows = 0
    let ms = 0
    let cpuUs = 0
    for (;;) {
      const block = read.all(after) as unknown[][]
      if (block.length === 0) break
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      writeBlock(block)
      const c = process.cpuUsage(c0)
      ms += performance.now() - t0
      cpuUs += c.user + c.system
      rows += block.length
      after = block[block.length - 1][0] as number
    }
    const seconds = ms / 1000
    return { rows, seconds: +seconds.toFixed(2), rows_per_s: Math.round(rows / seconds), cpu_s: +(cpuUs / 1e6).toFixed(2) }
  } finally {
    db.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  }
}
