// React 19, ticks in startTransition (time-sliced, interruptible); typing stays urgent.
import { mount } from "../_react/app.jsx"

mount({ transition: true })
