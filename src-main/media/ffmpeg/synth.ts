import { renameSync, rmSync } from 'node:fs'
import ffmpeg from 'fluent-ffmpeg'

/** One shot of synthetic footage: an ffmpeg lavfi source graph and how long it lasts. */
export interface SyntheticShot {
  source: string
  seconds: number
}

/**
 * Renders shots back to back into one H.264 MP4 with hard cuts between them, using ffmpeg's own
 * test sources, so that a demo works with no download and the cut times are known.
 */
export function renderSyntheticVideo(outPath: string, shots: SyntheticShot[], size = '640x360', fps = 25): Promise<void> {
  if (shots.length === 0) return Promise.reject(new Error('renderSyntheticVideo: no shots'))
  const cmd = ffmpeg()
  for (const s of shots) {
    cmd.input(`${s.source}${s.source.includes("=") ? ":" : "="}size=${size}:rate=${fps}`).inputOptions(['-f', 'lavfi', '-t', String(s.seconds)])
  }
  const parts = shots.map((_, i) => `[${i}:v]setsar=1,format=yuv420p[v${i}]`).join(';')
  const concat = shots.map((_, i) => `[v${i}]`).join('') + `concat=n=${shots.length}:v=1:a=0[out]`
  // Render beside the target and rename, so an interrupted run never leaves a truncated file.
  const partial = `${outPath}.partial.mp4`
  return new Promise((resolve, reject) => {
    cmd
      .complexFilter(`${parts};${concat}`, 'out')
      .outputOptions(['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y'])
      .output(partial)
      .on('error', (err: Error) => {
        rmSync(partial, { force: true })
        reject(new Error(`rendering ${outPath}: ${err.message}`))
      })
      .on('end', () => {
        renameSync(partial, outPath)
        resolve()
      })
      .run()
  })
}
