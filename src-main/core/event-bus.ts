import type { ApiEventName, ApiEvents } from '../api/contract'

export type EventListener = <K extends ApiEventName>(name: K, payload: ApiEvents[K]) => void

/** Typed fan-out of contract events to every transport (IPC windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<K extends ApiEventName>(name: K, payload: ApiEvents[K]): void {
    for (const l of this.listeners) {
      try {
        l(name, payload)
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
