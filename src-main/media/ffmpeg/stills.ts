import ffmpeg from 'fluent-ffmpeg'

/** Writes one JPEG frame at `atS` seconds, `width` px wide (height keeps the aspect, even). */
export function writePoster(videoPath: string, atS: number, outPath: string, width = 320): Promise<void> {
  return new Promise((resolve, reject) => {
    ffmpeg(videoPath)
      // Input seeking (before -i) is fast and frame-accurate for re-encoding outputs.
      .inputOptions(['-ss', atS.toFixed(3)])
      .outputOptions(['-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '4', '-y'])
      .output(outPath)
      .on('error', (err: Error) => reject(new Error(`poster for ${videoPath} at ${atS.toFixed(3)} s: ${err.message}`)))
      .on('end', () => resolve())
      .run()
  })
}
