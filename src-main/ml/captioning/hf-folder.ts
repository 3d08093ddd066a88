import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * A Hugging Face model folder in the layout transformers.js loads offline (what the Xenova /
 * onnx-community repos publish, and what tools/export writes): config + tokenizer files at the
 * top, graphs under onnx/. Checked up front so a missing file is reported by name, not as a
 * stack trace from inside the library half-way through a job.
 */
export type HfTask = 'image-to-text' | 'text-generation'

/** ONNX precision variants as transformers.js names the files (`model` + suffix). */
export type HfDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'int8' | 'uint8' | 'q4f16'
const DTYPE_SUFFIX: Record<HfDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16' }
/** Preference when a folder holds several: full precision first (what the tests prove), then smaller. */
const DTYPE_ORDER: HfDtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16']

const COMMON = ['config.json', 'tokenizer.json', 'tokenizer_config.json']
const TASK_FILES: Record<HfTask, { files: string[]; graphs: string[] }> = {
  'image-to-text': { files: [...COMMON, 'preprocessor_config.json'], graphs: ['encoder_model', 'decoder_model_merged'] },
  'text-generation': { files: COMMON, graphs: ['model'] },
}

export class HfFolderError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'HfFolderError'
  }
}

export interface HfFolder {
  dir: string
  task: HfTask
  dtype: HfDtype
  modelType: string
}

function graphFile(dir: string, graph: string, dtype: HfDtype): string {
  return path.join(dir, 'onnx', `${graph}${DTYPE_SUFFIX[dtype]}.onnx`)
}

/** Checks the files a task needs and picks the precision every graph is present in. */
export function checkHfFolder(dir: string, task: HfTask, dtype?: HfDtype): HfFolder {
  const need = TASK_FILES[task]
  for (const name of need.files) {
    const file = path.join(dir, name)
    if (!existsSync(file)) throw new HfFolderError(file, `missing; a ${task} model folder needs ${need.files.join(', ')} and onnx/${need.graphs.join('.onnx, onnx/')}.onnx`)
  }
  const configFile = path.join(dir, 'config.json')
  let config: { model_type?: unknown }
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as { model_type?: unknown }
  } catch (e) {
    throw new HfFolderError(configFile, `not valid JSON (${(e as Error).message})`)
  }
  if (typeof config.model_type !== 'string') throw new HfFolderError(configFile, 'has no "model_type"')
  if (task === 'image-to-text' && config.model_type !== 'vision-encoder-decoder') {
    throw new HfFolderError(configFile, `model_type "${config.model_type}" is not an image captioner (expected vision-encoder-decoder)`)
  }
  const candidates = dtype ? [dtype] : DTYPE_ORDER
  const found = candidates.find((d) => need.graphs.every((g) => existsSync(graphFile(dir, g, d))))
  if (!found) {
    const d = dtype ?? 'fp32'
    const missing = need.graphs.map((g) => graphFile(dir, g, d)).find((f) => !existsSync(f))!
    throw new HfFolderError(missing, `missing${dtype ? '' : ' (and no other precision variant holds every graph)'}`)
  }
  return { dir, task, dtype: found, modelType: config.model_type }
}
