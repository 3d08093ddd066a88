import { userInfo } from 'node:os'
import type { SettingsDto } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'

function defaultReviewer(): string {
  try {
    return userInfo().username || 'reviewer'
  } catch {
    return 'reviewer'
  }
}

export const getReviewer = (ctx: ProjectContext): string => ctx.repos.settings.get('reviewer', defaultReviewer())

export function getSettings(ctx: ProjectContext): SettingsDto {
  return { reviewer: getReviewer(ctx) }
}

export function updateSettings(ctx: ProjectContext, patch: Partial<SettingsDto>): SettingsDto {
  if (patch.reviewer !== undefined) {
    const name = typeof patch.reviewer === 'string' ? patch.reviewer.trim() : ''
    if (!name || name.length > 100) throw new ApiError('bad_request', 'reviewer must be a non-empty name of at most 100 characters')
    ctx.repos.settings.set('reviewer', name)
  }
  const settings = getSettings(ctx)
  ctx.bus.emit('settings:changed', settings)
  return settings
}
