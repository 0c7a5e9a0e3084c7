// Shuttle's throughput in Chromium, on bench/jfb/pages/shuttle-throughput:
// - sustained: a 10,000-row table, 1% of the rows changed per message; one message per
//   main-thread task, back to back, for a few seconds. How many messages the DOM showed,
//   how many commits, how busy the main thread was, how long frames waited.
// - burst: 100,000 `inc` messages dispatched in bursts (one task per burst), then a
//   flush: the rate at which the worker absorbs batched messages, with the 10,000 rows
//   mounted and with an empty table.
// - round trip: one message, then flush, 40 times with the table empty: the latency of a
//   hop to the worker and back when nothing is rendered.
// The page reports what its DOM shows; the driver checks every dispatched message arrived.

async function mainThreadMs(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics")
  const get = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000
  return { task: get("TaskDuration"), script: get("ScriptDuration") }
}

export async function runThroughput(context, baseUrl, options, log) {
  const { seconds, messages, burst, rows } = options
  const page = await context.newPage()
  const errors = []
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`)
  })
  try {
    await page.goto(`${baseUrl}shuttle-throughput/`)
    await page.waitForFunction(() => window.shuttleThroughput !== undefined)
    await page.evaluate(() => window.shuttleThroughput.root.ready)
    const cdp = await context.newCDPSession(page)
    await cdp.send("Performance.enable")

    const fail = (what) => {
      throw new Error(`throughput: ${what}${errors.length > 0 ? `\npage errors:\n${errors.join("\n")}` : ""}`)
    }

    log(`  throughput: filling ${rows.toLocaleString("en-US")} rows`)
    await page.evaluate((count) => window.shuttleThroughput.fill(count), rows)

    log(`  throughput: sustained, 1% of ${rows.toLocaleString("en-US")} rows per message, ${seconds} s`)
    const before = await mainThreadMs(cdp)
    const sustained = await page.evaluate((ms) => window.shuttleThroughput.sustained(ms), seconds * 1000)
    const after = await mainThreadMs(cdp)
    if (sustained.appliedAfterDrain !== sustained.dispatched) {
      fail(`sustained: ${sustained.dispatched} messages dispatched, but the DOM shows ${sustained.appliedAfterDrain} applied after the flush`)
    }
    const windowSeconds = sustained.ms / 1000
    const sustainedResult = {
      rows,
      changedRowsPerMessage: Math.floor(rows / 100),
      seconds: windowSeconds,
      dispatched: sustained.dispatched,
      dispatchedPerSecond: sustained.dispatched / windowSeconds,
      appliedInWindow: sustained.appliedInWindow,
      appliedPerSecond: sustained.appliedInWindow / windowSeconds,
      commitsInWindow: sustained.commitsInWindow,
      commitsPerSecond: sustained.commitsInWindow / windowSeconds,
      messagesPerCommit: sustained.phases.messages / Math.max(1, sustained.phases.commits),
      queuedCommitsAtClose: sustained.queuedCommitsAtClose,
      frames: sustained.frames,
      framesPerSecond: sustained.frames / windowSeconds,
      longestFrameGapMs: sustained.longestFrameGapMs,
      drainMs: sustained.drainMs,
      // Includes the page's own dispatch loop: the main thread is kept busy on purpose.
      mainThreadBusy: (after.task - before.task) / (sustained.ms + sustained.drainMs),
      perCommit: perCommit(sustained.phases)
    }

    const bursts = []
    for (const count of [rows, 0]) {
      await page.evaluate((n) => window.shuttleThroughput.fill(n), count)
      log(`  throughput: ${messages.toLocaleString("en-US")} messages in bursts of ${burst}, ${count.toLocaleString("en-US")} rows mounted`)
      const b0 = await mainThreadMs(cdp)
      const result = await page.evaluate(([total, size]) => window.shuttleThroughput.burst(total, size), [messages, burst])
      const b1 = await mainThreadMs(cdp)
      if (result.counter !== messages) fail(`burst: ${messages} inc messages dispatched, but the DOM shows counter ${result.counter}`)
      bursts.push({
        rows: count,
        messages,
        burst,
        ms: result.ms,
        messagesPerSecond: messages / (result.ms / 1000),
        dispatchMs: result.dispatchMs,
        dispatchUsPerMessage: (result.dispatchMs * 1000) / messages,
        commits: result.commits,
        messagesPerCommit: result.phases.messages / Math.max(1, result.phases.commits),
        mainThreadTaskMs: b1.task - b0.task,
        perCommit: perCommit(result.phases)
      })
    }
    log("  throughput: round trip of one message (dispatch + flush), 0 rows mounted")
    const times = (await page.evaluate((n) => window.shuttleThroughput.latency(n), 40)).sort((x, y) => x - y)
    const roundTrip = { count: times.length, medianMs: times[times.length >> 1], p90Ms: times[Math.floor(times.length * 0.9)], minMs: times[0], maxMs: times[times.length - 1] }
    if (errors.length > 0) fail("errors in the page")
    return { sustained: sustainedResult, bursts, roundTrip }
  } finally {
    await page.close()
  }
}

function perCommit(phases) {
  const n = Math.max(1, phases.commits)
  return {
    commits: phases.commits,
    updateMs: phases.updateMs / n,
    viewMs: phases.viewMs / n,
    diffMs: phases.diffMs / n,
    encodeMs: phases.encodeMs / n,
    applyMs: phases.applyMs / n,
    maxApplyMs: phases.maxApplyMs,
    patchBytes: phases.patchBytes / n
  }
}
