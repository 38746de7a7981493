// Calf Check motion counter: counts heel raises from a shin-strapped phone's accelerometer (issue 28).
// No Streamlit and no page in here: one function, createMotionCounter(params), fed samples, answering with events.
// Loadable standalone (<script src>) in a test or benchmark page, and prepended to the guided test's module.
// Every number comes from params (calfcore.motion.MotionParameters.as_data); the model is in docs/motion.md.
//
//   const counter = createMotionCounter(params);
//   counter.setBeats(firstUpBeatMs, countFromMs);  // the metronome's first up-beat; raises count from countFromMs
//   const events = counter.push(tMs, ax, ay, az);  // accelerationIncludingGravity, m/s², any axis convention
//
// Events: {type: "still"} (down learned), {type: "problem", kind: "flat"|"slipped"|"moving", t},
// {type: "raise", n, t, top, size, onBeat, counted, fault}, {type: "stop", reason: "pace"|"short"|"still", count, t}.
// Sizes are relative to the runner's own first raises (1 = as high as them), never a height.

(function (root) {
  "use strict";

  function createMotionCounter(p) {
    const beatMs = p.beat_ms;
    const periodMs = p.raise_period_ms;
    const raiseHz = 1000 / periodMs;
    const rcLow = 1 / (2 * Math.PI * p.band_low_hz); // seconds
    const rcHigh = 1 / (2 * Math.PI * p.band_high_hz);
    // The filters move a raise's top: three high-pass stages lead, two low-pass stages lag (at the raise rate).
    const leadRad = 3 * Math.atan(p.band_low_hz / raiseHz) - 2 * Math.atan(raiseHz / p.band_high_hz);
    const leadMs = (leadRad / (2 * Math.PI)) * periodMs;
    const cosFlat = Math.cos((p.flat_within_deg * Math.PI) / 180);
    const cosSlip = Math.cos((p.slip_deg * Math.PI) / 180);
    const cosSwing = Math.cos((p.swing_deg * Math.PI) / 180);

    const s = {
      window: [], // recent samples while learning which way is down
      g: null, // learned gravity (phone axes), with its size
      gmag: 0,
      glp: null, // slow gravity, to see the phone slip
      last: null,
      // filter state
      hpIn: 0,
      hpOut: 0,
      lp1: 0,
      lp2: 0,
      vel: 0,
      disp: 0,
      recent: [], // [t, travel] over the last raise period
      // peak finder
      rising: true,
      peak: -Infinity,
      peakT: 0,
      valley: 0,
      valleyT: 0,
      trough: Infinity,
      troughT: 0,
      joltUntil: 0,
      quietUntil: 0, // no raise is counted while a jolt, a big movement or a slip is recent
      lastTop: -Infinity,
      firstUp: null,
      countFrom: Infinity,
      // the test
      raises: [],
      sizes: [],
      phases: [],
      ref: null,
      phase: null,
      claimed: new Set(),
      nextBeatToCheck: null,
      faults: [],
      count: 0,
      stops: [],
      problemAt: {},
      moving: false,
    };

    function problem(events, kind, t) {
      if (t - (s.problemAt[kind] ?? -Infinity) < 3000) return; // one message at a time, not one per sample
      s.problemAt[kind] = t;
      events.push({ type: "problem", kind, t });
    }

    function learn(t, x, y, z, events) {
      s.window.push([t, x, y, z]);
      while (s.window.length && s.window[0][0] < t - p.still_ms) s.window.shift();
      if (s.window.length < 10 || t - s.window[0][0] < p.still_ms * 0.9) return;
      const n = s.window.length;
      const mean = [0, 0, 0];
      for (const w of s.window) for (let i = 0; i < 3; i++) mean[i] += w[i + 1] / n;
      let spread = 0;
      for (const w of s.window) for (let i = 0; i < 3; i++) spread += (w[i + 1] - mean[i]) ** 2 / n;
      spread = Math.sqrt(spread);
      const mag = Math.hypot(...mean);
      if (spread > p.still_limit_ms2 || mag < 5) {
        if (spread > 4 * p.still_limit_ms2) problem(events, "moving", t);
        return;
      }
      if (Math.abs(mean[2]) / mag > cosFlat) {
        problem(events, "flat", t);
        return;
      }
      s.g = mean.map((v) => v / mag);
      s.gmag = mag;
      s.glp = mean.slice();
      s.window = [];
      events.push({ type: "still", t });
    }

    function reset() {
      s.hpIn = s.hpOut = s.lp1 = s.lp2 = s.vel = s.disp = 0;
      s.recent = [];
      s.rising = true;
      s.peak = -Infinity;
      s.valley = 0;
      s.trough = Infinity;
    }

    function beatOf(top) {
      const phase = s.phase ?? p.beat_ms; // before the runner's own timing is known: top on the down-beat
      return Math.round((top - s.firstUp - phase) / periodMs);
    }

    function travelRange() {
      // How far the filtered travel moved over the last raise period: little means the runner stood still.
      let lo = Infinity;
      let hi = -Infinity;
      for (const [, d] of s.recent) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
      return hi - lo;
    }

    function firstBeat() {
      // The first up-beat whose top (on the down-beat) comes clearly after the count starts.
      return Math.ceil((s.countFrom + 0.25 * beatMs - s.firstUp - beatMs) / periodMs + 1e-9);
    }

    function fault(events, t, kind) {
      s.faults.push(kind);
      const run = s.faults.slice(-p.faults_to_stop);
      if (run.length === p.faults_to_stop && run.every((f) => f !== null)) {
        let reason = run[run.length - 1] === "short" ? "short" : "pace";
        if (run.every((f) => f === "missed") && travelRange() < p.min_rise_m / 2) reason = "still";
        s.stops.push({ reason, count: s.count, t });
        events.push({ type: "stop", reason, count: s.count, t });
        s.faults.push(null); // a runner who carries on starts a new run of faults
      }
    }

    function checkMissedBeats(t, events) {
      if (s.firstUp === null || s.nextBeatToCheck === null) return;
      const phase = s.phase ?? p.beat_ms;
      // A beat is missed once its raise could no longer be found: half a period after its top, plus the time a
      // raise takes to be confirmed.
      while (s.firstUp + s.nextBeatToCheck * periodMs + phase + periodMs * 0.75 < t) {
        if (!s.claimed.has(s.nextBeatToCheck)) fault(events, t, "missed");
        s.nextBeatToCheck += 1;
      }
    }

    function onPeak(t, events) {
      const size = s.peak - s.valley;
      const top = s.peakT + leadMs;
      // Once the runner's own size is known, a much smaller rise is still a raise (one that falls short).
      const floor = s.ref === null ? p.min_rise_m : Math.min(p.min_rise_m, Math.max(0.01, 0.15 * s.ref));
      // A rise takes at most part of a raise's period: slower is the filter settling, or a drift.
      if (size < floor || s.peakT - s.valleyT > p.max_rise_share * periodMs) return;
      if (s.valleyT < s.quietUntil || top - s.lastTop < p.min_between_raises_ms) {
        events.push({ type: "ignored", t, top, why: s.valleyT < s.quietUntil ? "jolt" : "too soon" });
        return;
      }
      s.lastTop = top;
      if (s.firstUp === null || top < s.countFrom) return; // warm-up: seen, not counted
      const beat = beatOf(top);
      if (s.nextBeatToCheck === null) s.nextBeatToCheck = firstBeat();
      if (beat < s.nextBeatToCheck - 1) return; // a raise from before the count started
      const expected = s.firstUp + beat * periodMs + (s.phase ?? p.beat_ms);
      const deviation = top - expected;
      const tolerance = (s.phase === null ? 0.75 : p.off_beat_share) * beatMs;
      const onBeat = Math.abs(deviation) <= tolerance && !s.claimed.has(beat);
      s.claimed.add(beat);
      let rel = s.ref === null ? 1 : size / s.ref;
      const short = s.ref !== null && rel < p.short_raise_fraction;
      const counted = onBeat && !short;
      if (counted) s.count += 1;
      s.raises.push({ t, top, size, onBeat, counted });
      if (s.ref === null && counted) {
        s.sizes.push(size);
        s.phases.push(top - s.firstUp - Math.round((top - s.firstUp) / periodMs) * periodMs);
        if (s.sizes.length >= p.reference_raises) {
          s.ref = median(s.sizes);
          s.phase = median(s.phases); // within half a period of the up-beat: a plain median will do
          for (const r of s.raises) r.rel = r.size / s.ref;
        }
      }
      rel = s.ref === null ? 1 : size / s.ref;
      s.raises[s.raises.length - 1].rel = rel;
      const kind = counted ? null : short ? "short" : "off";
      events.push({ type: "raise", n: s.count, t, top, size: rel, onBeat, counted, fault: kind });
      if (kind) fault(events, t, kind);
      else s.faults.push(null);
    }

    function median(values) {
      const v = values.slice().sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    function push(t, x, y, z) {
      const events = [];
      if (!s.g) {
        learn(t, x, y, z, events);
        s.last = t;
        return events;
      }
      const dt = Math.min(0.1, Math.max(0.001, (t - s.last) / 1000));
      s.last = t;
      // Which way is down, slowly: has the phone slipped, or been put down?
      const kg = dt / (1 + dt);
      s.glp = s.glp.map((v, i) => v + kg * ([x, y, z][i] - v));
      const glpMag = Math.hypot(...s.glp) || 1;
      const cos = (s.glp[0] * s.g[0] + s.glp[1] * s.g[1] + s.glp[2] * s.g[2]) / glpMag;
      if (cos < cosSlip) {
        s.quietUntil = t + 1000;
        problem(events, Math.abs(s.glp[2]) / glpMag > cosFlat ? "flat" : "slipped", t);
      }
      // Too much movement for a raise (a step, a swing): nothing counts for a moment.
      const lin = Math.hypot(x - s.g[0] * s.gmag, y - s.g[1] * s.gmag, z - s.g[2] * s.gmag);
      if (lin > p.movement_limit_ms2) {
        s.quietUntil = t + 1500;
        problem(events, "moving", t);
      }
      // The vertical signal: acceleration along the learned "down", gravity removed.
      const av = x * s.g[0] + y * s.g[1] + z * s.g[2] - s.gmag;
      const bh = rcLow / (rcLow + dt);
      s.hpOut = bh * (s.hpOut + av - s.hpIn);
      s.hpIn = av;
      const al = dt / (rcHigh + dt);
      s.lp1 += al * (s.hpOut - s.lp1);
      s.lp2 += al * (s.lp1 - s.lp2);
      // A jolt: what is left above the band, across "down" (a tap on the screen pushes the phone into the shin;
      // a raise is along "down"), or a hard one along it. Its push is kept out of the travel (integrated, a 50 ms
      // tap would look like a rise), and no raise around it counts.
      s.slow = s.slow ? s.slow.map((v, i) => v + al * ([x, y, z][i] - v)) : [x, y, z];
      const r = [x - s.slow[0], y - s.slow[1], z - s.slow[2]];
      const along = r[0] * s.g[0] + r[1] * s.g[1] + r[2] * s.g[2];
      const across = Math.hypot(r[0] - along * s.g[0], r[1] - along * s.g[1], r[2] - along * s.g[2]);
      if (across > p.jolt_limit_ms2 || Math.abs(along) > p.jolt_along_limit_ms2) {
        if (t >= s.joltUntil) s.lp1 = s.lp2 = 0;
        s.joltUntil = t + p.jolt_hold_ms / 4;
        s.quietUntil = Math.max(s.quietUntil, t + p.jolt_hold_ms);
      }
      // A swing: "down" (from the quick signal) far from what was learned, as when walking. A raise tilts the shin
      // a few degrees only.
      const slowMag = Math.hypot(...s.slow) || 1;
      const swing = (s.slow[0] * s.g[0] + s.slow[1] * s.g[1] + s.slow[2] * s.g[2]) / slowMag;
      if (swing < cosSwing) {
        s.quietUntil = Math.max(s.quietUntil, t + 1500);
        problem(events, "moving", t);
      }
      const input = t < s.joltUntil ? 0 : s.lp2;
      // Vertical travel: integrated twice, each leaky at the band's low edge (no drift).
      s.vel += input * dt - (s.vel * dt) / rcLow;
      s.disp += s.vel * dt - (s.disp * dt) / rcLow;
      const d = s.disp;
      s.recent.push([t, d]);
      while (s.recent[0][0] < t - periodMs) s.recent.shift();
      if (s.rising) {
        if (d > s.peak) {
          s.peak = d;
          s.peakT = t;
        } else if (d < s.peak - Math.max(0.006, p.confirm_drop_share * (s.peak - s.valley))) {
          onPeak(t, events);
          s.rising = false;
          s.trough = d;
          s.troughT = t;
        }
      } else if (d < s.trough) {
        s.trough = d;
        s.troughT = t;
      } else if (d > s.trough + Math.max(0.006, p.confirm_drop_share * (s.peak - s.trough))) {
        s.rising = true;
        s.valley = s.trough;
        s.valleyT = s.troughT;
        s.peak = d;
        s.peakT = t;
      }
      if (t >= s.countFrom) {
        if (s.nextBeatToCheck === null && s.firstUp !== null) s.nextBeatToCheck = firstBeat();
        checkMissedBeats(t, events);
      }
      return events;
    }

    return {
      push,
      setBeats(firstUpBeatMs, countFromMs) {
        s.firstUp = firstUpBeatMs;
        s.countFrom = countFromMs;
      },
      reset,
      get learned() {
        return s.g !== null;
      },
      get travel() {
        return s.disp; // the filtered vertical travel (m), for plots and tests
      },
      get count() {
        return s.count;
      },
      get stops() {
        return s.stops.slice();
      },
      summary() {
        // What is kept: per raise, its time from the start of the count, relative size and beat (no raw motion).
        return {
          raises: s.raises.map((r) => ({
            at_s: Math.round((r.top - s.countFrom) / 10) / 100,
            size: Math.round((r.rel ?? 1) * 100) / 100,
            on_beat: r.onBeat,
            counted: r.counted,
          })),
          counted: s.count,
          proposed_stop: s.stops.length ? s.stops[0].reason : null,
        };
      },
    };
  }

  root.createMotionCounter = createMotionCounter;
})(typeof globalThis !== "undefined" ? globalThis : window);
