import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { useProjectStore } from '../../src-renderer/src/stores/project'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'
import { setupStores } from './setup-app'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function transport(): FakeTransport {
  let accepted = 0
  return new FakeTransport('ipc')
    .respond('project:info', () => ok(projectInfo({ byStatus: { pending: 3 - accepted, accepted: accepted++, rejected: 0 } })))
    .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
}

describe('project store', () => {
  it('names the transport and refreshes counts once per burst of clip changes', async () => {
    const { transport: t } = setupStores(transport())
    const project = useProjectStore()
    expect(project.transportLabel).toBe('desktop (IPC)')
    await project.load()
    expect(project.info?.byStatus.accepted).toBe(0)

    t.emit('clips:changed', { clipIds: [1] })
    t.emit('clips:changed', { clipIds: [2] })
    t.emit('clips:changed', { clipIds: [3] })
    await vi.advanceTimersByTimeAsync(300)

    expect(t.calls('project:info')).toHaveLength(2)
    expect(project.info?.byStatus.accepted).toBe(1)
  })

  it('takes the reviewer name from settings:changed', async () => {
    const { transport: t } = setupStores(transport())
    const project = useProjectStore()
    await project.load()
    t.emit('settings:changed', { reviewer: 'grace' })
    expect(project.reviewer).toBe('grace')
  })

  it('re-reads counts and the list after the event connection comes back', async () => {
    const { transport: t } = setupStores(transport())
    const project = useProjectStore()
    const clips = useClipsStore()
    await project.load()
    await clips.loadFirst()

    t.setState('closed')
    expect(project.connection).toBe('closed')
    t.setState('connecting')
    t.setState('open')
    await flushPromises()

    expect(project.connection).toBe('open')
    expect(t.calls('project:info')).toHaveLength(2)
    expect(t.calls('clips:list')).toHaveLength(2)
  })
})
