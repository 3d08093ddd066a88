import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { currentOwner, ownerState, pidAlive, type ProcessOwner } from '../core/process-owner'

/**
 * The model store's temp folders: `<root>/.tmp-<pid>-<hex>/`, where an install assembles a model
 * before the one rename that installs it. `pending.json` inside says which model and which
 * process; a process killed -9 leaves its folder, and the next install of the same model adopts
 * it to resume its downloads. The pid is also in the folder's name, written by the same mkdir
 * that creates it: a kill before pending.json exists still leaves a folder whose owner is known
 * (dead), which the next install removes instead of keeping it for an hour.
 */
const PENDING = 'pending.json'
/** Folders without any owner (made by older versions, before pending.json): kept this long. */
const STALE_UNMARKED_MS = 60 * 60 * 1000

interface Pending {
  id: string | null
  pid: number
  startedAt?: string
  /** Host, pid and start time (absent in markers of older versions: the pid alone is judged). */
  owner?: ProcessOwner
}

export interface TempFolder {
  dir: string
  /** The model being assembled; null when pending.json is missing or unreadable. */
  id: string | null
  /** The owning process, from pending.json or else the folder name; null when neither says. */
  pid: number | null
  owner: ProcessOwner | null
  mtimeMs: number
}

export async function listTemps(root: string): Promise<TempFolder[]> {
  const out: TempFolder[] = []
  for (const d of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!d.isDirectory() || !d.name.startsWith('.tmp-')) continue
    const dir = path.join(root, d.name)
    const pending = await readFile(path.join(dir, PENDING), 'utf8').then((t) => JSON.parse(t) as Pending).catch(() => null)
    const named = /^\.tmp-(\d+)-[0-9a-f]+$/.exec(d.name)
    out.push({
      dir,
      id: pending?.id ?? null,
      pid: pending?.pid ?? (named ? Number(named[1]) : null),
      owner: pending?.owner ?? null,
      mtimeMs: (await stat(dir).catch(() => null))?.mtimeMs ?? 0,
    })
  }
  return out
}

/** Its process is certainly gone (a pid reused since counts as gone when the start time is known). */
export function ownerGone(t: TempFolder): boolean {
  if (t.owner) return ownerState(t.owner) === 'dead'
  if (t.pid !== null) return !pidAlive(t.pid)
  return Date.now() - t.mtimeMs > STALE_UNMARKED_MS
}

/** Writes pending.json whole or not at all: a kill mid-write must not leave an unreadable marker. */
async function writePending(dir: string, id: string): Promise<void> {
  const p: Pending = { id, pid: process.pid, startedAt: new Date().toISOString(), owner: currentOwner() }
  const tmp = path.join(dir, `${PENDING}.tmp`)
  await writeFile(tmp, JSON.stringify(p))
  await rename(tmp, path.join(dir, PENDING))
}

/**
 * A temp folder for `id`: a dead install's of the same model (to resume its downloads), or a new
 * one. Dead installs' folders that hold nothing anyone can resume go: unmarked ones (killed
 * before pending.json was written, so before any download) and further ones of the same model.
 */
export async function claimTemp(root: string, id: string): Promise<string> {
  await mkdir(root, { recursive: true })
  const dead = (await listTemps(root)).filter((t) => (t.pid !== null || t.owner !== null) && ownerGone(t))
  const orphan = dead.find((t) => t.id === id)
  for (const t of dead) if (t.id === null || (t.id === id && t !== orphan)) await rm(t.dir, { recursive: true, force: true })
  const dir = orphan?.dir ?? path.join(root, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
  await mkdir(dir, { recursive: true })
  await writePending(dir, id)
  return dir
}

/** Removes the temp folders of dead processes (all, or those of one model and unmarked ones). */
export async function removeDeadTemps(root: string, id?: string): Promise<string[]> {
  const removed: string[] = []
  for (const t of await listTemps(root)) {
    if ((id === undefined || t.id === id || t.id === null) && ownerGone(t)) {
      await rm(t.dir, { recursive: true, force: true })
      removed.push(t.dir)
    }
  }
  return removed
}
