import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { browserPlayability, type PlayabilityFacts } from '../../../src-main/media/browser-playability'
import { probeVideo } from '../../../src-main/media/ffmpeg'
import { writeLegacyAvi } from '../../support/media-corpus'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2'
const MKV = 'matroska,webm'
const facts = (formatName: string, codec: string, audioCodec: string | null = null): PlayabilityFacts => ({ formatName, codec, hasAudio: audioCodec !== null, audioCodec })

describe('browserPlayability', () => {
  it.each([
    ['H.264 + AAC in MP4', facts(MP4, 'h264', 'aac')],
    ['H.264 + PCM in MOV', facts(MP4, 'h264', 'pcm_s16le')],
    ['VP9 + Opus in MP4', facts(MP4, 'vp9', 'opus')],
    ['AV1 in MP4, no audio', facts(MP4, 'av1')],
    ['VP8 + Vorbis in WebM', facts(MKV, 'vp8', 'vorbis')],
    ['H.264 + MP3 in MKV', facts(MKV, 'h264', 'mp3')],
    ['AV1 + FLAC in MKV', facts(MKV, 'av1', 'flac')],
  ])('plays %s as stored', (_name, probe) => {
    expect(browserPlayability(probe)).toEqual({ kind: 'direct' })
  })

  it.each([
    ['AVI (MS-MPEG4 + MP3)', facts('avi', 'msmpeg4v3', 'mp3'), /AVI container/],
    ['MPEG-TS', facts('mpegts', 'h264', 'aac'), /MPEGTS container/],
    ['MPEG-PS (MPEG-2)', facts('mpeg', 'mpeg2video', 'mp2'), /MPEG container/],
    ['Ogg Theora', facts('ogg', 'theora', 'vorbis'), /OGG container/],
    // These open, then play sound over a black frame with no error event: the dangerous ones.
    ['HEVC in MP4', facts(MP4, 'hevc', 'aac'), /HEVC \(H\.265\) video/],
    ['HEVC in MKV', facts(MKV, 'hevc', 'aac'), /HEVC/],
    ['MPEG-4 Part 2 in MP4', facts(MP4, 'mpeg4', 'aac'), /MPEG-4 Part 2 video/],
    ['ProRes in MOV', facts(MP4, 'prores', 'pcm_s16le'), /ProRes video/],
    ['MJPEG in MOV', facts(MP4, 'mjpeg'), /MJPEG video/],
    ['VP8 in MP4', facts(MP4, 'vp8'), /vp8 video/],
    // Video plays but the sound is dropped silently.
    ['H.264 + AC-3 in MP4', facts(MP4, 'h264', 'ac3'), /AC-3 audio/],
    ['H.264 + ALAC in MP4', facts(MP4, 'h264', 'alac'), /ALAC audio/],
    ['H.264 + MP2 in MKV', facts(MKV, 'h264', 'mp2'), /MP2 audio/],
    ['an unknown container', facts('', 'h264'), /container/],
  ])('needs a proxy for %s, and says why', (_name, probe, reason) => {
    const decision = browserPlayability(probe)
    expect(decision.kind).toBe('proxy')
    expect(decision.kind === 'proxy' && decision.reason).toMatch(reason)
  })

  it('asks for a fresh probe when the stored one predates the audio codec', () => {
    expect(browserPlayability({ formatName: MP4, codec: 'h264', hasAudio: true })).toEqual({ kind: 'unknown' })
    // Without audio nothing is missing, and an unplayable video needs no audio facts to decide.
    expect(browserPlayability({ formatName: MP4, codec: 'h264', hasAudio: false })).toEqual({ kind: 'direct' })
    expect(browserPlayability({ formatName: 'avi', codec: 'mpeg4', hasAudio: true }).kind).toBe('proxy')
  })

  describe('on real probes', () => {
    const t = tempDir()
    afterAll(() => t.cleanup())

    it('plays the shared MP4 and WebM footage directly and proxies an MS-MPEG4 AVI', async () => {
      for (const name of ['flower.mp4', 'cockatoo.mp4', 'flower.webm', 'cc0_3shots_cuts_at_2s_4s.mp4']) {
        expect({ name, decision: browserPlayability(await probeVideo(join(SHARED_VIDEOS, name))) }).toEqual({ name, decision: { kind: 'direct' } })
      }
      const avi = await probeVideo(writeLegacyAvi(join(t.dir, 'legacy.avi')))
      expect(avi).toMatchObject({ formatName: 'avi', codec: 'msmpeg4v3', hasAudio: true, audioCodec: 'mp3' })
      expect(browserPlayability(avi)).toEqual({ kind: 'proxy', reason: 'browsers cannot open the AVI container' })
    })
  })
})
