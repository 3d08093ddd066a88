import { inject, type App, type InjectionKey } from 'vue'
import type { ApiClient } from './client'

export const API_CLIENT_KEY: InjectionKey<ApiClient> = Symbol('vicurate.api')

/** App-level provide, so stores and components get the one client and tests can swap it. */
export function installApi(app: App, client: ApiClient): void {
  app.provide(API_CLIENT_KEY, client)
}

/** Works in components and in Pinia setup stores (Pinia runs them in the app's context). */
export function useApi(): ApiClient {
  const client = inject(API_CLIENT_KEY, null)
  if (!client) throw new Error('API client not installed: call installApi(app, client) before mounting')
  return client
}
