/**
 * The media adapter: the only module that runs ffmpeg/ffprobe. fluent-ffmpeg is archived
 * upstream, so every call goes through here and can be swapped for direct spawns in one place.
 * ESLint forbids importing fluent-ffmpeg anywhere else.
 */
export { probeVideo, type VideoProbe } from './probe'
export { writePoster } from './stills'
export { renderSyntheticVideo, type SyntheticShot } from './synth'
export { readFrames, checkVideoFile, type DecodedFrame, type FrameProgress, type FrameStreamInfo, type ReadFramesOptions, type ReadFramesSummary, type ScaleFlags } from './frames'
export { type DecodedImage } from './ppm-stream'
export { cutClip, videoStreamTiming, type CutOptions } from './clip-cut'
export { decodeFramesAt } from './exact-frames'
export { writePlaybackProxy, type ProxyOptions, type ProxyResult } from './proxy'
