/** The devtools panel's worker: one line (docs/devtools.md, "The devtools panel"). */
import { runDevtoolsPanel } from "shuttle-ui/worker/devtools"

runDevtoolsPanel()
