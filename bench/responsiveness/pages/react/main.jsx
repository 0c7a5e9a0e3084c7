// React 19, ticks as plain setState (Default lane: each render runs whole, unsliced).
import { mount } from "../_react/app.jsx"

mount({ transition: false })
