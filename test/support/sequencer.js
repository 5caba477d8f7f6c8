// The order of the test files on a clean checkout (no timings recorded yet): the browser suites,
// which take minutes each, start first, so that no long one starts last while the other worker idles.
// With timings recorded (a second run), jest's own order — slowest first — is kept.
const Sequencer = require('@jest/test-sequencer').default;

class BrowserFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const timed = sorted.some((t) => this._getCache(t)[t.path]?.[1] !== undefined);
    if (timed) return sorted;
    const browser = (t) => /browser\.e2e-spec\.ts$/.test(t.path);
    return [...sorted.filter(browser), ...sorted.filter((t) => !browser(t))];
  }
}

module.exports = BrowserFirstSequencer;
