import type { JobProgressEvent } from '../../../../src-main/api/contract'

const LABELS: Record<string, string> = {
  ingest: 'Ingest (scene cuts, frames)',
  similarity: 'Similarity (ViCLIP)',
  aesthetic: 'Aesthetic (LAION)',
  caption: 'Captions',
  import: 'Import JSONL',
  export: 'Export',
  modelInstall: 'Model install',
  modelVerify: 'Model verify',
}

/** A kind the UI does not know yet still gets a readable name. */
export function stageLabel(name: string): string {
  return LABELS[name] ?? name.charAt(0).toUpperCase() + name.slice(1)
}

/** "12.5 clips/s"; null while the meter has no estimate yet. */
export function formatRate(rate: number | null, unit: JobProgressEvent['unit']): string | null {
  if (rate === null || !Number.isFinite(rate)) return null
  return `${rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)} ${unit}/s`
}

/** "ETA 4 s", "ETA 2 min 05 s", "ETA 1 h 03 min". */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `ETA ${s} s`
  if (s < 3600) return `ETA ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `ETA ${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

/** Whole percent for the bar, or null when the total is unknown (an import counts rows as it goes). */
export function percentDone(done: number, total: number): number | null {
  if (!(total > 0)) return null
  return Math.min(100, Math.floor((done / total) * 100))
}
