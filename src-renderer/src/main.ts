import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createDefaultClient } from './api/connect'
import { installApi } from './api/use-api'
import './styles.css'

const app = createApp(App)
// Provide before Pinia stores are first used: setup stores inject the client.
installApi(app, createDefaultClient())
app.use(createPinia())
app.mount('#app')

// A file dropped anywhere but on a path field would make the browser open it in place of the
// studio (Electron blocks that navigation; a browser tab does not): drops outside fields do nothing.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (e) => e.preventDefault())
