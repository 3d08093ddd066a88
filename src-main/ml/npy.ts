import { readFileSync } from 'node:fs'

/**
 * Reader for NumPy .npy files (format versions 1–3), enough for embeddings and test vectors:
 * little-endian float32/float64/int32/int64, C order. LAION ships its reference embeddings as
 * .npy, and numpy is what Python tooling writes.
 */
export type NpyArray =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array }

const MAGIC = '\x93NUMPY'
const DTYPES = { '<f4': ['float32', 4], '<f8': ['float64', 8], '<i4': ['int32', 4], '<i8': ['int64', 8] } as const

export function parseNpy(buf: Uint8Array, source = '<buffer>'): NpyArray {
  const fail = (why: string): never => {
    throw new Error(`${source}: not a readable .npy file: ${why}`)
  }
  if (buf.length < 10 || String.fromCharCode(...buf.subarray(0, 6)) !== MAGIC) fail('missing \\x93NUMPY magic')
  const major = buf[6]!
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  if (major < 1 || major > 3) fail(`unsupported format version ${major}`)
  if (headerStart + headerLen > buf.length) fail(`header of ${headerLen} bytes runs past the end of the file`)
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(headerStart, headerStart + headerLen))

  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`malformed header ${JSON.stringify(header)}`)
  if (fortran === 'True') fail('Fortran-order arrays are not supported')
  const spec = DTYPES[descr as keyof typeof DTYPES] ?? fail(`unsupported dtype ${descr} (supported: ${Object.keys(DTYPES).join(', ')})`)
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  const count = shape.reduce((a, b) => a * b, 1)
  const dataStart = headerStart + headerLen
  const bytes = count * spec[1]
  if (buf.length - dataStart < bytes) fail(`expected ${bytes} data bytes for shape (${shape.join(', ')}), found ${buf.length - dataStart}`)
  // Copy so the typed array is aligned whatever the header length (and so a Node Buffer's
  // pooled ArrayBuffer never leaks in: Buffer#slice is a view, not a copy).
  const copy = new Uint8Array(bytes)
  copy.set(buf.subarray(dataStart, dataStart + bytes))
  const raw = copy.buffer
  switch (spec[0]) {
    case 'float32':
      return { dtype: 'float32', shape, data: new Float32Array(raw) }
    case 'float64':
      return { dtype: 'float64', shape, data: new Float64Array(raw) }
    case 'int32':
      return { dtype: 'int32', shape, data: new Int32Array(raw) }
    case 'int64':
      return { dtype: 'int64', shape, data: new BigInt64Array(raw) }
  }
}

export function readNpy(file: string): NpyArray {
  return parseNpy(readFileSync(file), file)
}
