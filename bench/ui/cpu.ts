import { readFileSync, readdirSync } from 'node:fs'

/** Linux clock ticks per second (USER_HZ): 100 on every mainstream kernel build. */
const TICKS = 100

function pidCpuTicks(pid: number): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function children(pid: number): number[] {
  const out: number[] = []
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
    if (list) out.push(...list.split(/\s+/).map(Number))
  }
  return out
}

/**
 * CPU seconds (user + system) used so far by a process and its live descendants — for `vicurate
 * serve` that is the launcher plus the Node process that answers the API (its worker threads
 * count in its own figure). A process that ends between the two reads is skipped.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0
  const todo = [pid]
  while (todo.length) {
    const p = todo.pop()!
    try {
      ticks += pidCpuTicks(p)
      todo.push(...children(p))
    } catch {
      // gone already
    }
  }
  return ticks / TICKS
}
