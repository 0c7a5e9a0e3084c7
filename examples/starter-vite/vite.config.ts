// vite.config.ts: hot updates that keep the model, module workers, cross-origin isolation
import { defineConfig } from "vite"
import { shuttle } from "shuttle-ui/vite"

export default defineConfig({
  plugins: [shuttle()]
})
