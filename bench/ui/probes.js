// The in-page half of `npm run bench:ui`, added to every page with page.addInitScript. Plain
// browser JavaScript on purpose: tsx compiles with esbuild's keepNames, which wraps functions in
// a __name() helper that does not exist in the page, so TypeScript functions handed to
// page.evaluate break as soon as they define a named function. Every time here is the page's
// own performance.now() clock (event timeStamps, rAF timestamps and Resource Timing share it).
;(() => {
  const longTasks = []
  const requests = []
  /** Called with each finished API request (arm's settleOn). */
  const answered = new Set()
  // Chromium drops Resource Timing entries past 250 unless told otherwise; scrolling makes hundreds.
  performance.setResourceTimingBufferSize(100_000)
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration })
  }).observe({ type: 'longtask', buffered: true })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const m = /\/api\/([^?]+)$/.exec(decodeURIComponent(new URL(e.name).pathname))
      if (!m) continue
      const q = { channel: m[1], start: e.startTime, end: e.responseEnd }
      requests.push(q)
      for (const f of [...answered]) f(q)
    }
  }).observe({ type: 'resource', buffered: true })

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve))
  /** After the frame that paints the current DOM: a rAF, then a task queued behind it. */
  const afterPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel()
        ch.port1.onmessage = () => resolve(performance.now())
        ch.port2.postMessage(null)
      }),
    )

  let frames = null
  function startFrames() {
    const run = { stamps: [], on: true, startedAt: performance.now() }
    frames = run
    const tick = (t) => {
      if (!run.on) return
      run.stamps.push(t)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }
  /** rAF-to-rAF intervals since startFrames, and the long tasks that overlapped them. */
  function stopFrames() {
    const run = frames
    run.on = false
    frames = null
    const deltas = run.stamps.slice(1).map((t, i) => t - run.stamps[i])
    const end = run.stamps[run.stamps.length - 1] ?? performance.now()
    const tasks = longTasks.filter((t) => t.start + t.duration >= run.startedAt && t.start <= end)
    return { deltas, longTasks: tasks.map((t) => t.duration), seconds: (end - run.startedAt) / 1000 }
  }

  const scroller = () => document.querySelector('.grid-scroller')

  /** Moves scrollTop by `px` in every animation frame for `ms`: a steady fling through the list. */
  function driveScroll(px, ms) {
    const el = scroller()
    const until = performance.now() + ms
    return new Promise((resolve) => {
      const step = (t) => {
        el.scrollTop += px
        if (t < until && el.scrollTop < el.scrollHeight - el.clientHeight) requestAnimationFrame(step)
        else resolve(el.scrollTop)
      }
      requestAnimationFrame(step)
    })
  }

  /** Cards whose box meets the viewport, and how many of those are still placeholders. */
  function viewportCells() {
    const el = scroller()
    const view = el.getBoundingClientRect()
    let cards = 0
    let holes = 0
    for (const c of el.querySelectorAll('.cell')) {
      const r = c.getBoundingClientRect()
      if (r.bottom <= view.top || r.top >= view.bottom) continue
      if (c.classList.contains('placeholder')) holes++
      else cards++
    }
    return { cards, holes }
  }

  /** 1-based list position of the first card in view, once every card in view has arrived. */
  function firstVisiblePosition() {
    const el = scroller()
    const top = el.getBoundingClientRect().top
    return new Promise((resolve) => {
      const look = () => {
        if (viewportCells().holes > 0) return void requestAnimationFrame(look)
        const shown = [...el.querySelectorAll('[role="option"]')].filter((o) => o.getBoundingClientRect().bottom > top)
        resolve(Math.min(...shown.map((o) => Number(o.getAttribute('aria-posinset')))))
      }
      look()
    })
  }

  /** Scrollbar-drag jump to `fraction` of the list; resolves when the viewport holds only cards. */
  function jump(fraction, timeoutMs) {
    const el = scroller()
    return new Promise((resolve) => {
      let done = false
      const t0 = performance.now()
      const finish = (filled) => {
        if (done) return
        done = true
        mo.disconnect()
        clearTimeout(timer)
        afterPaint().then((painted) => resolve({ fraction, filled, ms: painted - t0 }))
      }
      const check = () => {
        const v = viewportCells()
        if (v.cards > 0 && v.holes === 0) finish(true)
      }
      const mo = new MutationObserver(check)
      mo.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'aria-label'] })
      const timer = setTimeout(() => finish(false), timeoutMs)
      el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction
      nextFrame().then(check)
    })
  }

  /**
   * Arms one measurement: `trigger` is the event type that starts it (its timeStamp is t0, the
   * moment the browser received the input), `checks` name DOM states to wait for. Each check
   * records when a MutationObserver first saw it, and when the frame showing it had painted.
   * `settleOn` names an API channel: once its answer (started after t0) is in and two frames
   * have painted without a pending check coming true, the answer changed nothing on screen
   * (e.g. the same similarity to 3 decimals) and those checks are reported as `unchanged`.
   */
  let armed = null
  function arm(trigger, checks, timeoutMs, settleOn) {
    const state = { t0: null, hits: {}, done: null }
    armed = state
    liveWasBusy = false
    state.done = new Promise((resolve) => {
      const pending = new Set(Object.keys(checks))
      let over = false
      const finish = (extra) => {
        if (over) return
        over = true
        mo.disconnect()
        clearTimeout(timer)
        resolve({ ...state, timedOut: [], unchanged: [], ...extra })
      }
      const timer = setTimeout(() => finish({ timedOut: [...pending] }), timeoutMs)
      const test = () => {
        if (state.t0 === null) return
        for (const name of [...pending]) {
          if (!CHECKS[name](checks[name])) continue
          pending.delete(name)
          state.hits[name] = { seen: performance.now(), painted: null }
          afterPaint().then((t) => {
            state.hits[name].painted = t
            if (pending.size === 0 && Object.values(state.hits).every((h) => h.painted !== null)) finish({})
          })
        }
      }
      const mo = new MutationObserver(test)
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
      document.addEventListener(trigger, (e) => {
        state.t0 = e.timeStamp
        test()
      }, { capture: true, once: true })
      if (settleOn) {
        const onAnswer = (q) => {
          if (over || state.t0 === null || q.channel !== settleOn || q.start < state.t0) return
          answered.delete(onAnswer)
          afterPaint().then(afterPaint).then(() => {
            test()
            if (pending.size > 0) finish({ unchanged: [...pending] })
          })
        }
        answered.add(onAnswer)
      }
    })
  }

  const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? ''
  /** Whether the live-similarity readout has been busy since the measurement was armed. */
  let liveWasBusy = false
  const CHECKS = {
    firstCard: (label) => document.querySelector('[role="listbox"][aria-label="Clips"] [aria-posinset="1"]')?.getAttribute('aria-label') === label,
    count: (prefix) => text('output[aria-label="Keep rate"]').startsWith(prefix + ' '),
    // The readout went busy ("scoring…", the keystroke made its number stale) and now shows a
    // number for the current text again: counted whether or not the value itself changed.
    liveSimilarity: () => {
      const el = document.querySelector('output[aria-label="Live similarity"]')
      if (el?.getAttribute('aria-busy') === 'true') {
        liveWasBusy = true
        return false
      }
      return liveWasBusy && /→ -?\d+\.\d{3} while editing$/.test(text('output[aria-label="Live similarity"]'))
    },
  }

  /** The armed measurement's result, with the API requests that started after its t0. */
  async function result() {
    const r = await armed.done
    armed = null
    const after = r.t0 === null ? [] : requests.filter((q) => q.start >= r.t0)
    return { t0: r.t0, hits: r.hits, timedOut: r.timedOut, unchanged: r.unchanged, requests: after }
  }

  /**
   * Resolves once the server's main thread has worked through what it was sent: its API handlers
   * run SQLite synchronously in arrival order, so a trivial call answers only after the queue ahead
   * of it. The filter statistics run in a worker and do not hold this up; the filter phase waits
   * for the keep-rate count, whose pass answers the other statistics of that filter too.
   */
  async function serverIdle() {
    for (let i = 0; i < 2; i++) {
      await fetch('/api/settings:get', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    }
    await afterPaint()
  }

  /** keydown timeStamp of the last key pressed anywhere on the page. */
  let lastKeydown = null
  document.addEventListener('keydown', (e) => (lastKeydown = e.timeStamp), { capture: true })

  /**
   * After a burst of typing: resolves once the live-similarity readout shows a number for the
   * current text (not busy), with the last keydown's timeStamp and the paint that showed it.
   */
  function liveSettled(timeoutMs) {
    return new Promise((resolve) => {
      const el = () => document.querySelector('output[aria-label="Live similarity"]')
      const settled = () => el()?.getAttribute('aria-busy') !== 'true' && /→ -?\d+\.\d{3} while editing$/.test(text('output[aria-label="Live similarity"]'))
      let over = false
      const finish = (ok) => {
        if (over) return
        over = true
        mo.disconnect()
        clearTimeout(timer)
        afterPaint().then((painted) => resolve({ settled: ok, lastKeydown, painted }))
      }
      const mo = new MutationObserver(() => settled() && finish(true))
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
      const timer = setTimeout(() => finish(false), timeoutMs)
      if (settled()) finish(true)
    })
  }

  globalThis.uiProbes = {
    liveSettled,
    now: () => performance.now(),
    serverIdle,
    startFrames,
    stopFrames,
    driveScroll,
    jump,
    viewportCells,
    firstVisiblePosition,
    arm,
    result,
    liveText: () => text('output[aria-label="Live similarity"]'),
    requestsSince: (t) => requests.filter((q) => q.start >= t),
  }
})()
