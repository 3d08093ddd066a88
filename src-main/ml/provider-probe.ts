import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { SessionFactory } from './onnx-session'

// A one-node ONNX graph (Identity, float32[1]), protobuf-encoded by hand: creating a session
// for it with CUDA → CPU tells which execution provider this machine would use, without
// needing any model installed.
function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return out
}
const field = (tag: number, body: number[] | string): number[] => {
  const bytes = typeof body === 'string' ? [...Buffer.from(body)] : body
  return [(tag << 3) | 2, ...varint(bytes.length), ...bytes]
}
const num = (tag: number, v: number): number[] => [tag << 3, ...varint(v)]

function identityModel(): Uint8Array {
  const tensorType = field(1, [...num(1, 1), ...field(2, field(1, num(1, 1)))]) // float32, shape [1]
  const value = (name: string) => [...field(1, name), ...field(2, tensorType)]
  const graph = [...field(1, [...field(1, 'x'), ...field(2, 'y'), ...field(4, 'Identity')]), ...field(2, 'probe'), ...field(11, value('x')), ...field(12, value('y'))]
  return Uint8Array.from([...num(1, 8), ...field(8, [...field(1, ''), ...num(2, 17)]), ...field(7, graph)])
}

/** "cuda", or "cpu (why CUDA was not used)". */
export async function probeExecutionProvider(): Promise<{ provider: 'cuda' | 'cpu'; reason: string | null }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vicurate-probe-'))
  const factory = new SessionFactory({ provider: 'auto' })
  try {
    const file = path.join(dir, 'identity.onnx')
    await writeFile(file, identityModel())
    const s = await factory.load(file)
    return { provider: s.provider, reason: s.fallbackReason }
  } finally {
    await factory.releaseAll()
    await rm(dir, { recursive: true, force: true })
  }
}
