// src/main.ts: the page's side, mounts the worker's app into #app
import { createRoot } from "shuttle-ui"

createRoot(document.getElementById("app")!, () => new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }))
