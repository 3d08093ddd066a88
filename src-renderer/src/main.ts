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
