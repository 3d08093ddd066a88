import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createApp, type App } from 'vue'
import { ApiClient } from '../../src-renderer/src/api/client'
import { API_CLIENT_KEY } from '../../src-renderer/src/api/use-api'
import { FakeTransport } from './fake-transport'

/** A real Pinia inside an app that provides the client, as main.ts wires it. */
export function setupStores(transport = new FakeTransport()): { transport: FakeTransport; client: ApiClient; pinia: Pinia; app: App } {
  const client = new ApiClient(transport)
  const app = createApp({})
  app.provide(API_CLIENT_KEY, client)
  const pinia = createPinia()
  app.use(pinia)
  setActivePinia(pinia)
  return { transport, client, pinia, app }
}

/** Options for @vue/test-utils' mount(): the same pinia and client as the stores use. */
export function mountGlobals(client: ApiClient, pinia: Pinia) {
  return { plugins: [pinia], provide: { [API_CLIENT_KEY as symbol]: client } }
}
