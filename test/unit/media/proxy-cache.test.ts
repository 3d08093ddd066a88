import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { evictProxies, proxyFolder, touchProxy } from '../../../src-main/media/proxy-cache'
import { tempDir } from '../../support/temp-project'

describe('proxy cache eviction', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  /** Proxies 1..n of `bytes` each, played `ageS[i]` seconds ago. */
  function cache(ageS: number[], bytes = 1000) {
    const t = tempDir()
    cleanup = t.cleanup
    const folder = proxyFolder(t.dir)
    mkdirSync(folder, { recursive: true })
    ageS.forEach((age, i) => {
      const mp4 = join(folder, `${i + 1}.mp4`)
      writeFileSync(mp4, Buffer.alloc(bytes))
      writeFileSync(join(folder, `${i + 1}.json`), '{}')
      const when = new Date(Date.now() - age * 1000)
      utimesSync(mp4, when, when)
    })
    return t.dir
  }
  const left = (dir: string) => readdirSync(proxyFolder(dir)).sort()

  it('removes the least recently played first, mp4 and manifest, until the rest fit', () => {
    const dir = cache([30, 10, 40, 20])
    expect(evictProxies(dir, 2500)).toEqual([3, 1])
    expect(left(dir)).toEqual(['2.json', '2.mp4', '4.json', '4.mp4'])
    expect(evictProxies(dir, 2500)).toEqual([])
  })

  it('skips the proxies it must keep, and a played proxy counts as recent', () => {
    const dir = cache([30, 10, 40, 20])
    touchProxy(join(proxyFolder(dir), '3.mp4'))
    expect(statSync(join(proxyFolder(dir), '3.mp4')).mtimeMs).toBeLessThan(Date.now() - 30_000)
    expect(evictProxies(dir, 2000, new Set([1]))).toEqual([4, 2])
    expect(left(dir)).toEqual(['1.json', '1.mp4', '3.json', '3.mp4'])
  })

  it('ignores partial files and a missing folder', () => {
    const dir = cache([5])
    writeFileSync(join(proxyFolder(dir), '7.mp4.123.partial.mp4'), Buffer.alloc(5000))
    expect(evictProxies(dir, 100)).toEqual([1])
    expect(left(dir)).toEqual(['7.mp4.123.partial.mp4'])
    expect(evictProxies(join(dir, 'nope'), 0)).toEqual([])
  })
})
