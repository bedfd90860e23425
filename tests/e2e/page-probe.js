// Injected into every page under test before the app starts (harness.mjs).
// Messages live for only a few frames at the default speed, which periodic
// polling from outside the page can miss again and again (a heartbeat every
// 500 ms of wall time beats against a 500 ms poll). These helpers look at the
// drawing from inside the page, once per animation frame.
window.__probe = {
  /** Where each node and each message in flight is drawn, in SVG units. */
  positions() {
    const at = (el) => {
      const m = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(el.getAttribute('transform') || '');
      return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
    };
    const nodes = {};
    for (const n of document.querySelectorAll('[data-testid="node"]')) nodes[n.dataset.node] = at(n);
    const messages = [...document.querySelectorAll('[data-testid="message"]')].map((m) => ({
      from: m.dataset.from,
      to: m.dataset.to,
      kind: m.dataset.kind,
      at: at(m),
    }));
    return { nodes, messages };
  },

  /**
   * For every message in flight: how far its dot is from the middle of its
   * link, and the link's length. Throws if a message is drawn between nodes
   * that are not on screen.
   */
  offsets() {
    const { nodes, messages } = this.positions();
    return messages.map((m) => {
      const a = nodes[m.from];
      const b = nodes[m.to];
      if (!a || !b || !m.at) throw new Error(`message ${m.kind} ${m.from}->${m.to} is not on a drawn link`);
      return {
        kind: m.kind,
        from: m.from,
        offset: Math.hypot(m.at.x - (a.x + b.x) / 2, m.at.y - (a.y + b.y) / 2),
        link: Math.hypot(b.x - a.x, b.y - a.y),
      };
    });
  },

  /** Resolves with the first truthy value of `check()`, tried every frame. */
  untilFrame(check, timeoutMs) {
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      const tick = () => {
        let value;
        try {
          value = check();
        } catch (err) {
          reject(err);
          return;
        }
        if (value) resolve(value);
        else if (performance.now() > deadline) reject(new Error(`not seen within ${timeoutMs} ms`));
        else requestAnimationFrame(tick);
      };
      tick();
    });
  },

  /** Calls `sample()` every frame for `ms` milliseconds; resolves with the samples. */
  everyFrame(sample, ms) {
    return new Promise((resolve, reject) => {
      const samples = [];
      const end = performance.now() + ms;
      const tick = () => {
        try {
          samples.push(sample());
        } catch (err) {
          reject(err);
          return;
        }
        if (performance.now() < end) requestAnimationFrame(tick);
        else resolve(samples);
      };
      tick();
    });
  },
};
