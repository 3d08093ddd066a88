/**
 * The only place a model is named (HOUSE_STYLE §5). Every URL is the publisher's own; every
 * sha256/size says where it came from. ViCLIP and CLIP are published as PyTorch checkpoints, so
 * most entries are installed by downloading the checkpoint and running the project's exporter
 * (tools/export, tools/aesthetic) — that needs /usr/bin/python3 with python3-torch + python3-onnx.
 *
 * A null sha256 means no source we could cite publishes one: the store refuses such a file
 * unless the user passes --trust-on-first-use, and then pins and prints the hash it computed.
 * A null size means only an approximate size is published; the sha256 still pins the bytes.
 */
export type ModelTask = 'video-text-similarity' | 'image-embedding' | 'aesthetic-head' | 'image-to-text' | 'text-generation'

export interface RegistryFile {
  /** File name inside the download folder: plain, or relative in the Hugging Face layout (onnx/model.onnx). */
  name: string
  url: string
  sha256: string | null
  bytes: number | null
  /** Where sha256/bytes come from, or why they are null. */
  provenance: string
}

/** Tokens in export argv replaced by the store: the downloaded checkpoint, the output folder, the model id. */
export const EXPORT_TOKENS = { checkpoint: '{checkpoint}', out: '{out}', id: '{id}' } as const

export type InstallRecipe =
  /** The files are a ready model folder: manifest.json plus the graphs it lists. */
  | { kind: 'onnx' }
  /** The files are a Hugging Face ONNX folder for transformers.js; the store writes manifest.json. */
  | { kind: 'hf'; task: 'image-to-text' | 'text-generation'; repo: string }
  | {
      kind: 'export'
      /** Which downloaded file is the checkpoint handed to the exporter. */
      checkpoint: string
      /** Python argv after the interpreter, run in the repository root. */
      args: readonly string[]
      /**
       * 'manifest': the tool writes manifest.json itself (tools/export). 'aesthetic-head': the
       * converter writes only head.onnx, so the store writes the manifest around it.
       */
      output: 'manifest' | 'aesthetic-head'
      /** Downloaded files copied next to the graphs and added to the manifest (tokenizer merges). */
      bundle: readonly string[]
    }

export interface RegistryEntry {
  id: string
  task: ModelTask
  title: string
  licence: string
  homepage: string
  /** Rough download size for the UI, including files with unknown exact size. */
  approxDownload: string
  files: readonly RegistryFile[]
  install: InstallRecipe
}

export type ModelRegistry = readonly RegistryEntry[]

// openai/CLIP's BPE merges: ViCLIP's tokenizer reads them (manifest.tokenizer.merges), so every
// ViCLIP install bundles them. Hash and size computed from the public file (same bytes as
// OpenGVLab's copy in InternVideo and on the ViCLIP-*-hf repos).
export const CLIP_BPE_MERGES: RegistryFile = {
  name: 'bpe_simple_vocab_16e6.txt.gz',
  url: 'https://github.com/openai/CLIP/raw/main/clip/bpe_simple_vocab_16e6.txt.gz',
  sha256: '924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a',
  bytes: 1356917,
  provenance: 'sha256 and size computed from the published file (openai/CLIP, MIT)',
}

const viclipExport = (checkpoint: string): InstallRecipe => ({
  kind: 'export',
  checkpoint,
  args: ['-m', 'tools.export', 'viclip', '--checkpoint', EXPORT_TOKENS.checkpoint, '--out', EXPORT_TOKENS.out, '--id', EXPORT_TOKENS.id],
  output: 'manifest',
  bundle: [CLIP_BPE_MERGES.name],
})

const SCORING_REGISTRY: ModelRegistry = [
  {
    id: 'viclip-l14',
    task: 'video-text-similarity',
    title: 'ViCLIP ViT-L/14 trained on InternVid-10M-FLT (the model InternVid scored clips with)',
    licence: 'MIT (model card of OpenGVLab/ViCLIP)',
    homepage: 'https://huggingface.co/OpenGVLab/ViCLIP',
    approxDownload: '1.71 GB',
    files: [
      {
        name: 'ViClip-InternVid-10M-FLT.pth',
        url: 'https://huggingface.co/OpenGVLab/ViCLIP/resolve/main/ViClip-InternVid-10M-FLT.pth',
        sha256: null,
        bytes: null,
        provenance:
          'no sha256 found for the OpenGVLab/ViCLIP copy; OpenGVLab/VBench_Used_Models lists a file of the same name (1.71 GB) ' +
          'with LFS sha256 7a4d6ad6eac6632db3693f4b97f9f8f6445b65b1e139a6fc6686150522238c56 — not confirmed to be the same bytes, ' +
          'so install needs --trust-on-first-use; compare the hash it prints',
      },
      CLIP_BPE_MERGES,
    ],
    install: viclipExport('ViClip-InternVid-10M-FLT.pth'),
  },
  {
    id: 'viclip-b16-hf',
    task: 'video-text-similarity',
    title: 'ViCLIP ViT-B/16 (OpenGVLab safetensors release)',
    licence: 'not stated on the model card (ViCLIP code: OpenGVLab/InternVideo, Apache-2.0)',
    homepage: 'https://huggingface.co/OpenGVLab/ViCLIP-B-16-hf',
    approxDownload: '598 MB',
    files: [
      {
        name: 'model.safetensors',
        url: 'https://huggingface.co/OpenGVLab/ViCLIP-B-16-hf/resolve/8484a9cb5b1b86e43c3ded53abe7485f52d8b789/model.safetensors',
        sha256: 'af9cfba8b30a4d62fec6bf7a033f748514ae86d04bd53b3a47f17dd4c7af2741',
        bytes: null,
        provenance: 'LFS sha256 from the Hugging Face file page; only "598 MB" is shown, so the size is checked through the hash',
      },
      CLIP_BPE_MERGES,
    ],
    install: viclipExport('model.safetensors'),
  },
  {
    id: 'viclip-l14-hf',
    task: 'video-text-similarity',
    title: 'ViCLIP ViT-L/14 (OpenGVLab safetensors release)',
    licence: 'not stated on the model card (ViCLIP code: OpenGVLab/InternVideo, Apache-2.0)',
    homepage: 'https://huggingface.co/OpenGVLab/ViCLIP-L-14-hf',
    approxDownload: '1.71 GB',
    files: [
      {
        name: 'model.safetensors',
        url: 'https://huggingface.co/OpenGVLab/ViCLIP-L-14-hf/resolve/1652361522e1cb41c28cdfae870f690d00e7456b/model.safetensors',
        sha256: '07d32e92a78d3e155915ffb87ad6e967a279cd1b06bfb6433dac800247a0ee8f',
        bytes: null,
        provenance: 'LFS sha256 from the Hugging Face file page; only "1.71 GB" is shown, so the size is checked through the hash',
      },
      CLIP_BPE_MERGES,
    ],
    install: viclipExport('model.safetensors'),
  },
  {
    id: 'clip-vit-l14-image',
    task: 'image-embedding',
    title: 'OpenAI CLIP ViT-L/14 image tower (input of the LAION aesthetic head)',
    licence: 'MIT (openai/CLIP)',
    homepage: 'https://github.com/openai/CLIP',
    approxDownload: '890 MB',
    files: [
      {
        name: 'ViT-L-14.pt',
        url: 'https://openaipublic.azureedge.net/clip/models/b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt',
        sha256: 'b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836',
        bytes: null,
        provenance: 'sha256 is the one OpenAI embeds in the URL and checks in clip.py; exact size not published',
      },
    ],
    install: {
      kind: 'export',
      checkpoint: 'ViT-L-14.pt',
      args: ['-m', 'tools.export', 'clip-image', '--checkpoint', EXPORT_TOKENS.checkpoint, '--out', EXPORT_TOKENS.out, '--id', EXPORT_TOKENS.id],
      output: 'manifest',
      bundle: [],
    },
  },
  {
    id: 'laion-aesthetic-v2',
    task: 'aesthetic-head',
    title: 'LAION improved aesthetic predictor (sac+logos+ava1, MLP on CLIP ViT-L/14 embeddings)',
    licence: 'Apache-2.0 (christophschuhmann/improved-aesthetic-predictor)',
    homepage: 'https://github.com/christophschuhmann/improved-aesthetic-predictor',
    approxDownload: '3.7 MB',
    files: [
      {
        name: 'sac+logos+ava1-l14-linearMSE.pth',
        url: 'https://github.com/christophschuhmann/improved-aesthetic-predictor/raw/main/sac%2Blogos%2Bava1-l14-linearMSE.pth',
        sha256: '21dd590f3ccdc646f0d53120778b296013b096a035a2718c9cb0d511bff0f1e0',
        bytes: 3714759,
        provenance: 'sha256 and size computed from the published file',
      },
    ],
    install: {
      kind: 'export',
      checkpoint: 'sac+logos+ava1-l14-linearMSE.pth',
      args: ['tools/aesthetic/convert_laion_head.py', EXPORT_TOKENS.checkpoint, `${EXPORT_TOKENS.out}/head.onnx`],
      output: 'aesthetic-head',
      bundle: [],
    },
  },
]

// Captioning models are published ready for transformers.js; the Hub shows each file's LFS
// sha256 on its page, but the Hub was not reachable where this registry was written, so the
// hashes are pinned on first install (--trust-on-first-use prints them to compare).
const HUB_UNPINNED = 'Hugging Face LFS file: sha256 not reachable from the build machine; install with --trust-on-first-use, which pins and prints it (compare with the file page)'
function hubFiles(repo: string, names: string[]): RegistryFile[] {
  return names.map((name) => ({ name, url: `https://huggingface.co/${repo}/resolve/main/${name}`, sha256: null, bytes: null, provenance: HUB_UNPINNED }))
}

export const CAPTION_REGISTRY: ModelRegistry = [
  {
    id: 'vit-gpt2-image-captioning',
    task: 'image-to-text',
    title: 'ViT-GPT2 image captioning (nlpconnect, ONNX export by Xenova) — coarse and per-frame captions',
    licence: 'Apache-2.0 (nlpconnect/vit-gpt2-image-captioning)',
    homepage: 'https://huggingface.co/Xenova/vit-gpt2-image-captioning',
    approxDownload: '1.0 GB',
    files: hubFiles('Xenova/vit-gpt2-image-captioning', [
      'config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json',
      'special_tokens_map.json', 'vocab.json', 'merges.txt', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx',
    ]),
    install: { kind: 'hf', task: 'image-to-text', repo: 'Xenova/vit-gpt2-image-captioning' },
  },
  {
    id: 'qwen2.5-0.5b-instruct',
    task: 'text-generation',
    title: 'Qwen2.5-0.5B-Instruct, int8 ONNX (onnx-community) — summarises frame captions into the fine caption',
    licence: 'Apache-2.0 (Qwen/Qwen2.5-0.5B-Instruct)',
    homepage: 'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct',
    approxDownload: '0.5 GB',
    files: hubFiles('onnx-community/Qwen2.5-0.5B-Instruct', [
      'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx',
    ]),
    install: { kind: 'hf', task: 'text-generation', repo: 'onnx-community/Qwen2.5-0.5B-Instruct' },
  },
]

/** Every model vicurate can install, by id. */
export const MODEL_REGISTRY: ModelRegistry = [...SCORING_REGISTRY, ...CAPTION_REGISTRY]

export function findEntry(registry: ModelRegistry, id: string): RegistryEntry | undefined {
  return registry.find((e) => e.id === id)
}

/** The shell command a user could run by hand for an export recipe (shown by `models list`). */
export function describeRecipe(entry: RegistryEntry, python = '/usr/bin/python3'): string {
  if (entry.install.kind === 'onnx') return 'download ready ONNX files'
  if (entry.install.kind === 'hf') return `download the ONNX folder of ${entry.install.repo}`
  const args = entry.install.args.map((a) =>
    a.replace(EXPORT_TOKENS.checkpoint, entry.install.kind === 'export' ? entry.install.checkpoint : '').replace(EXPORT_TOKENS.out, 'OUT').replace(EXPORT_TOKENS.id, entry.id),
  )
  return `${python} ${args.join(' ')}`
}
