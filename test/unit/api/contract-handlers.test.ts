import { afterEach, describe, expect, it } from 'vitest'
import { API_CHANNELS } from '../../../src-main/api/contract'
import { assertHandlersComplete, createHandlers, dispatch } from '../../../src-main/api/handlers'
import { tempProject } from '../../support/temp-project'

describe('contract and handlers', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('has exactly one handler per contract channel', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const handlers = createHandlers(p.ctx)
    expect(Object.keys(handlers).sort()).toEqual([...API_CHANNELS].sort())
    expect(() => assertHandlersComplete(handlers)).not.toThrow()
  })

  it('fails the startup check when a handler is missing', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const { 'clips:decide': _dropped, ...rest } = createHandlers(p.ctx)
    expect(() => assertHandlersComplete(rest)).toThrow(/missing for: clips:decide/)
  })

  it('rejects unknown channels and non-object arguments before any handler runs', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const handlers = createHandlers(p.ctx)
    await expect(dispatch(handlers, 'clips:drop', {}, { transport: 'http' })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(dispatch(handlers, 'clips:list', [1, 2], { transport: 'http' })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(dispatch(handlers, 'project:info', null, { transport: 'ipc' })).resolves.toMatchObject({ transport: 'ipc', clips: 0 })
  })
})
