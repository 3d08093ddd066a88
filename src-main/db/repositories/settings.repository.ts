import type { Db } from '../connection'

export function createSettingsRepository(db: Db) {
  const get = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?')
  const set = db.prepare(
    'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json',
  )
  return {
    get<T>(key: string, fallback: T): T {
      const row = get.get(key)
      return row ? (JSON.parse(row.value_json) as T) : fallback
    },
    set(key: string, value: unknown): void {
      set.run(key, JSON.stringify(value))
    },
  }
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>
