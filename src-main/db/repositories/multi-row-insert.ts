import type { Db } from '../connection'

/**
 * Rows bound into multi-row INSERT statements, `perStatement` rows per call: one JS→SQLite call
 * per 32 rows instead of one per row, on the import's hot path. A caller writes a row's values
 * into `args` from `offset` on and calls `done()`; `flush()` sends what is left of a batch, one
 * row per statement. `head` is the statement up to and including `VALUES `.
 */
export class MultiRowInsert {
  readonly args: unknown[]
  private readonly many: ReturnType<Db['prepare']>
  private readonly one: ReturnType<Db['prepare']>
  private n = 0
  private sent = 0

  constructor(db: Db, head: string, private readonly columns: number, private readonly perStatement = 32) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`
    this.many = db.prepare(head + Array.from({ length: perStatement }, () => row).join(', '))
    this.one = db.prepare(head + row)
    this.args = new Array<unknown>(columns * perStatement).fill(null)
  }

  /** Where the next row's values go in `args`. */
  get offset(): number {
    return this.n * this.columns
  }

  /** The row at `offset` is written; a full statement's worth is sent. */
  done(): void {
    if (++this.n === this.perStatement) {
      this.many.run(this.args)
      this.n = 0
    }
    this.sent++
  }

  /** Sends the rows still held; returns how many rows were added since the last flush or reset. */
  flush(): number {
    for (let r = 0; r < this.n; r++) this.one.run(this.args.slice(r * this.columns, (r + 1) * this.columns))
    const rows = this.sent
    this.reset()
    return rows
  }

  /** Forgets the rows held and the count (a batch that is starting over). */
  reset(): void {
    this.n = 0
    this.sent = 0
  }
}
