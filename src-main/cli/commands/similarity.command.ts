import { Option, type Command } from 'commander'
import { ModelStore } from '../../ml/model-store'
import { SessionFactory, type ProviderChoice } from '../../ml/onnx-session'
import { DEFAULT_SELECTION } from '../../services/scoring/scoring-deps'
import { videoTextMatches } from '../../services/scoring/demo-similarity.service'
import { UsageError } from '../cli-errors'

export function registerSimilarity(program: Command): void {
  program
    .command('similarity <video>')
    .description("rank captions for one video with ViCLIP as InternVid's demo does: cosine and softmax(100×cosine); no project needed")
    .option('-t, --text <caption>', 'a candidate caption (repeat the option for several)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--model <id>', 'installed ViCLIP model id (vicurate models list)', DEFAULT_SELECTION.similarity)
    .option('--models-dir <dir>', 'model store folder (default: $VICURATE_MODELS_DIR or ~/.local/share/vicurate/models)')
    .addOption(new Option('--provider <p>', 'execution provider').choices(['auto', 'cuda', 'cpu']).default('auto'))
    .option('--json', 'print JSON')
    .action(async (video: string, opts: { text: string[]; model: string; modelsDir?: string; provider: ProviderChoice; json?: boolean }) => {
      if (opts.text.length === 0) throw new UsageError('give at least one caption with --text')
      const r = await videoTextMatches(video, opts.text, opts.model, {
        models: new ModelStore(opts.modelsDir ? { root: opts.modelsDir } : {}),
        sessions: new SessionFactory(),
        provider: opts.provider,
      })
      if (opts.json) return void process.stdout.write(`${JSON.stringify(r)}\n`)
      const ranked = [...r.matches].sort((a, b) => b.probability - a.probability)
      process.stdout.write(`${r.modelId} (${r.revision}) on ${r.provider}${r.fallbackReason ? ` — ${r.fallbackReason}` : ''}\n`)
      for (const m of ranked) process.stdout.write(`${m.probability.toFixed(4)}  cos ${m.cosine.toFixed(4)}  ${m.text}\n`)
    })
}
