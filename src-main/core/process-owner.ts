import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * Which process owns something it left on disk (a job row, a temp file), and whether that
 * process still runs. A pid alone is not enough: after a crash the pid can be reused by an
 * unrelated process (which would keep a dead job "running" forever), and a project on a shared
 * folder can be open on two machines, whose pids mean nothing to each other.
 */
export interface ProcessOwner {
  host: string
  pid: number
  /** Boot id + start time of the process (Linux /proc); null where the OS does not expose it. */
  started: string | null
}

export type OwnerState = 'alive' | 'dead' | 'unknown'

let bootIdCache: string | null | undefined

function bootId(): string | null {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()
    } catch {
      bootIdCache = null
    }
  }
  return bootIdCache
}

/**
 * State letter and start token (boot id + start time in clock ticks since boot) of `pid` from
 * /proc, or null where there is none (not Linux, or no such process).
 */
function procStat(pid: number): { state: string; started: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // The command name is field 2, in parentheses and free to hold spaces; the state is field 3
    // and the start time field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0], started: `${bootId() ?? '?'}:${fields[19]}` }
  } catch {
    return null
  }
}

/**
 * Whether a process with this pid runs on this machine (EPERM: it does, as another user). A
 * zombie does not: a killed process whose parent died too waits for init to reap it, which in
 * containers may take long or never happen, and kill(pid, 0) still succeeds on it.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const state = procStat(pid)?.state
  return state !== 'Z' && state !== 'X'
}

let self: ProcessOwner | undefined

/** This process (worker threads share it: a kill takes them all). */
export function currentOwner(): ProcessOwner {
  self ??= { host: hostname(), pid: process.pid, started: procStat(process.pid)?.started ?? null }
  return self
}

/**
 * 'dead' only when this machine can tell: same host, and no process with that pid, or one that
 * started at another time (a reused pid). Another host's process is 'unknown', never dead.
 */
export function ownerState(owner: ProcessOwner): OwnerState {
  if (owner.host !== currentOwner().host) return 'unknown'
  if (!pidAlive(owner.pid)) return 'dead'
  if (owner.started === null) return 'alive'
  const now = procStat(owner.pid)?.started ?? null
  return now === null || now === owner.started ? 'alive' : 'dead'
}
