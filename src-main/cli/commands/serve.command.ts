import { InvalidArgumentError, type Command } from 'commander'
import { openProject } from '../../core/project-context'
import { startServer } from '../../server/http-server'
import { disposeMediaProxies } from '../../services/media-proxy.service'

export function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be an integer 0..65535')
  return n
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** Runs until SIGINT/SIGTERM, then closes the server and the database cleanly. */
export async function serveUntilSignal(project: string, opts: { host: string; port: number }): Promise<void> {
  const ctx = openProject(project)
  const server = await startServer(ctx, { host: opts.host, port: opts.port })
  process.stdout.write(`vicurate is serving ${ctx.path}\n  open: ${server.openUrl}\n`)
  if (!LOOPBACK.has(opts.host)) {
    process.stderr.write(
      `warning: listening on ${opts.host}, reachable from other machines. Anyone with the URL's token can read and change this project; prefer an SSH tunnel to 127.0.0.1.\n`,
    )
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  // A running transcode would keep the process alive until it finished.
  disposeMediaProxies(ctx)
  ctx.close()
}

export function registerServe(program: Command): void {
  program
    .command('serve <project>')
    .description('serve the review UI and API over loopback HTTP/WebSocket (browser mode)')
    .option('--host <address>', 'address to bind (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('--port <n>', 'port (default: a free one)', parsePort, 0)
    .action((project: string, opts: { host: string; port: number }) => serveUntilSignal(project, opts))
}
