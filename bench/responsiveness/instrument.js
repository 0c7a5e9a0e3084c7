// Injected into every benchmark page before its own scripts (page.addInitScript). It
// measures, on the page's main thread, between window.__responsiveness.start() and stop():
//
// - input lateness: for each keydown (and input) event, the time its first listener starts
//   minus event.timeStamp (when the browser created the event). The listeners are on
//   window in the capture phase, so they run before any of the page's own listeners.
// - echo: the first time #echo's text holds the first k typed characters, per k
//   (MutationObserver on #echo; a requestAnimationFrame check catches a replaced #echo).
// - key to next paint (Event Timing entries of keydowns, as INP measures).
// - long tasks (PerformanceObserver "longtask") and long animation frames ("long-animation-frame",
//   with their script and style/layout split), and the gaps between consecutive
//   requestAnimationFrame callbacks.
// - when #tick changes (MutationObserver): when each re-render of the grid is in the DOM.
// - Shuttle on a cross-origin isolated page: its commit-ring doorbells ({ t: "ring" } messages
//   from the worker), and how many of those commits the page had drained from the ring and
//   applied before the doorbell arrived.
//
// The listeners do as little as they can: a performance.now() and a push.
;(() => {
  if (window.top !== window) return
  const state = {
    running: false,
    expected: "",
    startedAt: 0,
    stoppedAt: 0,
    keydowns: [],
    inputs: [],
    /** echoAt[k - 1]: when #echo first showed the first k expected characters. */
    echoAt: [],
    echoMismatch: null,
    longTasks: [],
    frames: [],
    frameCount: 0,
    maxFrameGap: 0,
    maxFrameGapAt: 0,
    lastFrame: 0,
    commitsAtStart: 0,
    /** performance.now() when each Shuttle commit of the run was reported (after its apply). */
    commitAt: [],
    /** Shuttle: DOM input events forwarded to the worker, { seq, at } (at: epoch ms). */
    posted: [],
    keyPaints: [],
    /** #tick's text each time it changed, with the time: { value, at }. */
    ticks: [],
    /** Shuttle's commit-ring doorbells seen, and those whose commit was applied already. */
    doorbells: 0,
    drainedBeforeDoorbell: 0,
    /** Shuttle's credits posted: { eventSeq, at }. */
    credits: []
  }
  let echoNode = null
  let observer = null
  let tickNode = null
  let tickObserver = null

  addEventListener("keydown", (event) => {
    const now = performance.now()
    if (state.running) state.keydowns.push({ timeStamp: event.timeStamp, start: now, key: event.key })
  }, true)
  addEventListener("input", (event) => {
    const now = performance.now()
    if (state.running) state.inputs.push({ timeStamp: event.timeStamp, start: now })
  }, true)

  // Shuttle forwards each DOM event to its worker as { t: "event", seq, event } on a
  // MessagePort. Stamping those sends splits a keystroke's echo latency into main thread,
  // worker and way back (the worker side is stamped by run.mjs's worker hook). Other pages
  // pay one property read per postMessage.
  const postMessage = MessagePort.prototype.postMessage
  MessagePort.prototype.postMessage = function (message, ...rest) {
    if (state.running && message !== null && typeof message === "object" && message.t === "event" && message.event?.type === "input") {
      state.posted.push({ seq: message.seq, at: performance.timeOrigin + performance.now() })
    }
    // Shuttle's credits (docs/lanes.md): the page lets the worker render one non-urgent commit.
    if (state.running && message !== null && typeof message === "object" && message.t === "credit") {
      state.credits.push({ eventSeq: message.eventSeq, at: performance.now() })
    }
    return postMessage.call(this, message, ...rest)
  }

  // Shuttle's page receives the worker's messages on a MessagePort (onmessage). A
  // { t: "ring", commitId } doorbell says the commit went through the shared ring; the page
  // may have drained and applied it already, at an event or a frame (commit ids count from 1
  // per worker, and root.stats.commits counts the commits applied).
  const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage")
  Object.defineProperty(MessagePort.prototype, "onmessage", {
    configurable: true,
    enumerable: onmessage.enumerable,
    get() {
      return onmessage.get.call(this)
    },
    set(handler) {
      const wrapped = typeof handler === "function"
        ? function (event) {
          const data = event.data
          if (state.running && data !== null && typeof data === "object" && data.t === "ring") {
            state.doorbells++
            const applied = window.lanesDemo?.root?.stats?.commits
            if (applied !== undefined && applied >= data.commitId) state.drainedBeforeDoorbell++
          }
          return handler.call(this, event)
        }
        : handler
      onmessage.set.call(this, wrapped)
    }
  })

  const observe = (type, onEntry, options = {}) => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type)) return false
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) onEntry(entry)
    }).observe({ type, buffered: true, ...options })
    return true
  }
  const supports = {
    longtask: observe("longtask", (entry) => {
      state.longTasks.push({ start: entry.startTime, duration: entry.duration })
    }),
    // Event Timing: for each keydown, from event.timeStamp to the next paint after its
    // handlers (what INP measures). Only entries of 16 ms or more are reported (the API's
    // floor); a keydown without an entry was painted sooner.
    event: observe("event", (entry) => {
      if (entry.name === "keydown") state.keyPaints.push({ timeStamp: entry.startTime, duration: entry.duration })
    }, { durationThreshold: 16 }),
    longAnimationFrame: observe("long-animation-frame", (entry) => {
      let script = 0
      for (const s of entry.scripts) script += s.duration
      const end = entry.startTime + entry.duration
      state.frames.push({
        start: entry.startTime,
        duration: entry.duration,
        blocking: entry.blockingDuration,
        script,
        // From the start of style and layout to the end of the frame (rendering work).
        styleLayout: entry.styleAndLayoutStart > 0 ? end - entry.styleAndLayoutStart : 0,
        scripts: entry.scripts.map((s) => ({ invoker: s.invoker, duration: s.duration, forcedStyleLayout: s.forcedStyleAndLayoutDuration }))
      })
    })
  }

  const checkEcho = () => {
    if (!state.running || echoNode === null) return
    const text = echoNode.textContent ?? ""
    const now = performance.now()
    const expected = state.expected
    // Every prefix of the typed text shown for the first time now gets this time.
    let k = state.echoAt.length
    while (k < text.length && k < expected.length && text.charCodeAt(k) === expected.charCodeAt(k)) {
      state.echoAt.push(now)
      k++
    }
    if (state.echoMismatch === null && !expected.startsWith(text)) state.echoMismatch = { at: now, text }
  }

  const attachEcho = () => {
    const node = document.getElementById("echo")
    if (node === echoNode) return
    observer?.disconnect()
    echoNode = node
    if (node === null) return
    observer = new MutationObserver(checkEcho)
    observer.observe(node, { childList: true, characterData: true, subtree: true })
    checkEcho()
  }

  const checkTick = () => {
    if (!state.running || tickNode === null) return
    const value = tickNode.textContent ?? ""
    const last = state.ticks[state.ticks.length - 1]
    if (last === undefined || last.value !== value) state.ticks.push({ value, at: performance.now() })
  }

  const attachTick = () => {
    const node = document.getElementById("tick")
    if (node === tickNode) return
    tickObserver?.disconnect()
    tickNode = node
    if (node === null) return
    tickObserver = new MutationObserver(checkTick)
    tickObserver.observe(node, { childList: true, characterData: true, subtree: true })
    checkTick()
  }

  const onFrame = (time) => {
    if (!state.running) return
    if (state.lastFrame > 0) {
      const gap = time - state.lastFrame
      if (gap > state.maxFrameGap) {
        state.maxFrameGap = gap
        state.maxFrameGapAt = state.lastFrame
      }
    }
    state.lastFrame = time
    state.frameCount++
    attachEcho()
    checkEcho()
    attachTick()
    checkTick()
    requestAnimationFrame(onFrame)
  }

  window.__responsiveness = {
    supports,
    /** Starts measuring; `expected` is the text about to be typed. */
    start(expected) {
      Object.assign(state, {
        running: true,
        expected,
        startedAt: performance.now(),
        stoppedAt: 0,
        keydowns: [],
        inputs: [],
        echoAt: [],
        echoMismatch: null,
        frameCount: 0,
        maxFrameGap: 0,
        maxFrameGapAt: 0,
        lastFrame: 0,
        commitsAtStart: window.lanesDemo?.commits.length ?? 0,
        commitAt: [],
        posted: [],
        keyPaints: [],
        ticks: [],
        doorbells: 0,
        drainedBeforeDoorbell: 0,
        credits: []
      })
      // Shuttle's lanes demo pushes every commit's stats into lanesDemo.commits from its
      // onCommit hook, right after the apply: stamp each push with the time.
      const commits = window.lanesDemo?.commits
      if (commits !== undefined && !Object.hasOwn(commits, "push")) {
        commits.push = function (...items) {
          if (state.running) for (let i = 0; i < items.length; i++) state.commitAt.push(performance.now())
          return Array.prototype.push.apply(this, items)
        }
      }
      echoNode = null
      tickNode = null
      attachEcho()
      attachTick()
      requestAnimationFrame(onFrame)
    },
    stop() {
      checkEcho()
      checkTick()
      state.running = false
      state.stoppedAt = performance.now()
      observer?.disconnect()
      observer = null
      echoNode = null
      tickObserver?.disconnect()
      tickObserver = null
      tickNode = null
    },
    /** Everything measured, as plain data; times are performance.now() milliseconds. */
    result() {
      const within = (entry) => entry.start + entry.duration > state.startedAt && entry.start < state.stoppedAt
      return {
        startedAt: state.startedAt,
        stoppedAt: state.stoppedAt,
        timeOrigin: performance.timeOrigin,
        keydowns: state.keydowns,
        inputs: state.inputs,
        echoAt: state.echoAt,
        echoMismatch: state.echoMismatch,
        longTasks: state.longTasks.filter(within),
        frames: state.frames.filter(within),
        frameCount: state.frameCount,
        maxFrameGap: state.maxFrameGap,
        maxFrameGapAt: state.maxFrameGapAt,
        supports,
        posted: state.posted,
        keyPaints: state.keyPaints,
        ticks: state.ticks,
        doorbells: state.doorbells,
        drainedBeforeDoorbell: state.drainedBeforeDoorbell,
        credits: state.credits,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        commits: window.lanesDemo?.commits.slice(state.commitsAtStart).map((c, i) => ({ ...c, appliedAt: state.commitAt[i] ?? null })) ?? null
      }
    }
  }
})()
