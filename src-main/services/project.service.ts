import type { ProjectInfo } from '../api/contract'
import type { ProjectContext } from '../core/project-context'
import { getReviewer } from './settings.service'

export function projectInfo(ctx: ProjectContext, transport: ProjectInfo['transport']): ProjectInfo {
  const byStatus = ctx.repos.clips.countByStatus()
  return {
    name: ctx.name,
    path: ctx.path,
    schemaVersion: ctx.db.pragma('user_version', { simple: true }) as number,
    videos: ctx.repos.videos.count(),
    clips: byStatus.pending + byStatus.accepted + byStatus.rejected,
    byStatus,
    reviewer: getReviewer(ctx),
    transport,
  }
}
