// Calf Check guided test: keeps the beat, counts complete raises, and reports back to Python.
// Runs in the browser because a Streamlit rerun per beat would be far too slow and jittery.
// Timing: beats are scheduled on the performance.now() clock; the click is scheduled on the Web Audio clock,
// the visual beat is drawn on the first animation frame at or after the scheduled time, and the difference
// (drawn minus scheduled, in ms) is recorded so that beat jitter can be measured.

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const host = parentElement;
  // The frontend may call this function again with the same data on a rerun: keep one run per run_id.
  if (host.__calf && host.__calf.runId === data.run_id) return () => {};
  if (host.__calf && host.__calf.stop) host.__calf.stop(false);
  host.__calf = { runId: data.run_id };
  const state = host.__calf;

  const root = document.createElement("div");
  root.className = "calf-guided";
  root.setAttribute("data-testid", "calfGuided");
  // Replace only our own node: the host (a shadow root) also holds the component's <style>.
  host.querySelectorAll(":scope > .calf-guided").forEach((old) => old.remove());
  host.appendChild(root);

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  if (data.mode === "rest") return rest(root, data, setTriggerValue, state);
  if (data.mode === "download") return download(root, data, el);
  return test(root, data, setTriggerValue, state, el);
}

function rest(root, data, setTriggerValue, state) {
  const label = document.createElement("div");
  label.className = "calf-phase";
  label.textContent = `Rest, then the ${data.next_leg} leg`;
  const clock = document.createElement("div");
  clock.className = "calf-big";
  clock.setAttribute("data-testid", "calfRestClock");
  const skip = document.createElement("button");
  skip.className = "calf-button";
  skip.textContent = "Skip rest";
  // The clock itself is not live (it changes every second); the status line says it now and then.
  const status = liveRegion();
  root.append(label, clock, skip, status);
  skip.focus({ preventScroll: true }); // what comes next after Confirm: the rest, and its one control
  const end = performance.now() + data.rest_seconds * 1000;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(timer);
    setTriggerValue("rest_done", { run_id: data.run_id });
  };
  let said = -1;
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    clock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (left !== said && (left % 30 === 0 || left <= 5)) {
      said = left;
      status.textContent = left > 0 ? `Rest: ${left} seconds left` : `Rest over: the ${data.next_leg} leg`;
    }
    if (left <= 0) finish();
  };
  const timer = setInterval(tick, 200);
  tick();
  skip.onclick = finish;
  state.stop = () => clearInterval(timer);
  return () => clearInterval(timer);
}

// A polite live region: screen readers say its text when it changes, without moving focus. Visually hidden.
function liveRegion() {
  const region = document.createElement("div");
  region.className = "calf-sr-only";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("data-testid", "calfStatus");
  return region;
}

// Raw motion of a leg stays in this page (never sent to the server): kept per run for the runner's CSV download.
const RAW_TRACES = (globalThis.__calfRawTraces = globalThis.__calfRawTraces || {});

function download(root, data, el) {
  const csv = RAW_TRACES[data.run_id];
  if (!csv) return () => {};
  const link = el("a", "calf-download", "Download the raw motion (CSV)");
  link.setAttribute("data-testid", "calfRawTrace");
  link.download = `calf-check-motion-${data.leg.toLowerCase()}.csv`;
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  const note = el("div", "calf-caption", "Stays on this phone unless you download it: to keep, or to help improve the counting.");
  root.append(link, note);
  return () => URL.revokeObjectURL(link.href);
}

// Why motion counting can't be offered here, in one sentence (null: it can).
function motionUnavailable() {
  if (!window.isSecureContext) {
    return "Motion counting needs a secure page: this address isn't one (the hosted app over HTTPS is), so you tap Stop yourself.";
  }
  if (typeof window.DeviceMotionEvent === "undefined") {
    return "This browser gives no motion sensors, so you tap Stop yourself (a phone's browser over HTTPS usually does).";
  }
  return null;
}

const MOTION_PROBLEMS = {
  flat: "The phone lies flat: strap it upright to the front or side of your shin.",
  slipped: "The phone moved on your leg: tighten the strap (raises are not counted while it moves).",
  moving: "Too much movement: stand still on the test leg (nothing is counted while you move).",
};
const STOP_WORDS = {
  pace: "the pace was lost (two raises in a row off the beat)",
  short: "two raises in a row fell well short of your first raises",
  still: "movement stopped",
};

function test(root, data, setTriggerValue, state, el) {
  const interval = 60000 / data.cadence_bpm;
  const beatsPerRaise = data.beats_per_raise; // calfcore.protocol.BEATS_PER_RAISE
  const phase = el("div", "calf-phase", `${data.leg} leg: stand tall, knee ${data.knee}`);
  const beat = el("div", "calf-beat");
  beat.setAttribute("data-testid", "calfBeat");
  const count = el("div", "calf-big", "0");
  count.setAttribute("data-testid", "calfCount");
  const caption = el("div", "calf-caption", "raises");
  const elapsed = el("div", "calf-caption", "");
  const button = el("button", "calf-button calf-start", "Start");
  button.setAttribute("data-testid", "calfButton");
  beat.setAttribute("aria-hidden", "true"); // the click and the status line carry the beat; UP/DOWN per beat is noise
  const status = liveRegion();
  status.textContent = `${data.leg} leg, knee ${data.knee}. Press Start when ready.`;
  // Motion counting (issue 28): offered when the page may read the motion sensors, said why not otherwise.
  const marks = el("div", "calf-marks");
  marks.setAttribute("data-testid", "calfMarks");
  marks.setAttribute("aria-hidden", "true"); // the status line says each raise
  const note = el("div", "calf-note", "");
  note.setAttribute("data-testid", "calfMotionNote");
  const proposal = el("div", "calf-proposal");
  proposal.setAttribute("data-testid", "calfProposal");
  proposal.hidden = true;
  const proposalText = el("div", "calf-proposal-text", "");
  const confirmStop = el("button", "calf-button calf-stop", "Stop here");
  confirmStop.setAttribute("data-testid", "calfConfirmStop");
  const carryOn = el("button", "calf-button calf-carry", "Carry on");
  carryOn.setAttribute("data-testid", "calfCarryOn");
  proposal.append(proposalText, confirmStop, carryOn);
  const choice = el("label", "calf-motion");
  const motionCheck = document.createElement("input");
  motionCheck.type = "checkbox";
  motionCheck.setAttribute("data-testid", "calfMotionChoice");
  choice.append(motionCheck, document.createTextNode(" Count with the phone's motion (strap it to your shin)"));
  const why = el("div", "calf-caption calf-why", "");
  why.setAttribute("data-testid", "calfMotionWhy");
  const unavailable = data.motion ? motionUnavailable() : null;
  if (unavailable) {
    motionCheck.disabled = true;
    why.textContent = unavailable;
  } else {
    motionCheck.checked = Boolean(data.motion_default);
    why.textContent = "Assisted counting: you confirm every count and can correct it.";
  }
  root.append(phase, beat, count, caption, elapsed, marks, note, proposal);
  if (data.motion) root.append(choice, why);
  root.append(button, status);
  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };
  root.setAttribute("data-phase", "ready");
  root.setAttribute("data-beats", "0");
  root.setAttribute("data-raises", "0");
  root.setAttribute("data-motion", unavailable ? "unavailable" : data.motion ? "offered" : "off");

  let audio = null;
  let running = false;
  let started = false;
  let frame = 0;
  let wakeLock = null;
  let testStart = 0; // time of the first counted beat
  let nextBeat = 0; // index of the next beat to draw, counted from the start of the warm-up
  let t0 = 0;
  const warmUpBeats = data.warm_up_raises * beatsPerRaise;
  const countdownBeats = Math.round((data.countdown_seconds * 1000) / interval);
  const firstTestBeat = warmUpBeats + countdownBeats;
  const offsets = [];
  let scheduledAudioUntil = 0;
  let motion = null; // {counter, listener, heard, rows}: the motion counter while it runs
  let motionCount = 0;
  let proposed = null; // the stop the counter proposed, until the runner confirms it or carries on
  let noteTimer = 0;

  const click = (when, accent) => {
    if (!audio) return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = accent ? 1320 : 880;
    gain.gain.setValueAtTime(0.0001, when);
    gain.gain.exponentialRampToValueAtTime(0.6, when + 0.005);
    gain.gain.exponentialRampToValueAtTime(0.0001, when + 0.06);
    osc.connect(gain).connect(audio.destination);
    osc.start(when);
    osc.stop(when + 0.08);
  };

  const scheduleAudio = () => {
    // Look ahead 200 ms on the audio clock so clicks stay exact even if the page is busy.
    if (!audio) return;
    const audioNow = audio.currentTime;
    const perfNow = performance.now();
    while (scheduledAudioUntil * interval + t0 < perfNow + 200) {
      const k = scheduledAudioUntil;
      const when = audioNow + (t0 + k * interval - perfNow) / 1000;
      if (when >= audioNow) click(when, k % beatsPerRaise === 0);
      scheduledAudioUntil += 1;
    }
  };

  const draw = () => {
    if (!running) return;
    const now = performance.now();
    scheduleAudio();
    while (t0 + nextBeat * interval <= now) {
      const k = nextBeat;
      const late = now - (t0 + k * interval);
      nextBeat += 1;
      if (late > interval) continue; // a frame was missed entirely (tab hidden): don't flash stale beats
      const up = k % beatsPerRaise === 0;
      beat.textContent = up ? "UP" : "DOWN";
      beat.className = "calf-beat " + (up ? "calf-up" : "calf-down");
      if (k < warmUpBeats) {
        phase.textContent = `Warm-up: find the rhythm (${Math.floor(k / beatsPerRaise) + 1} of ${data.warm_up_raises})`;
        root.setAttribute("data-phase", "warm-up");
        say("Warm-up: find the rhythm");
      } else if (k < firstTestBeat) {
        const secondsLeft = Math.ceil(((firstTestBeat - k) * interval) / 1000);
        phase.textContent = "Get ready";
        count.textContent = String(secondsLeft);
        caption.textContent = "starting in";
        beat.textContent = "";
        root.setAttribute("data-phase", "countdown");
        say(`Get ready: starting in ${secondsLeft}`);
      } else {
        if (k === firstTestBeat) {
          testStart = t0 + k * interval;
          phase.textContent = `${data.leg} leg: go!`;
          caption.textContent = motion ? "raises counted by motion" : "raises";
          if (motion) count.textContent = String(motionCount);
          root.setAttribute("data-phase", "test");
          say("Go!");
        }
        offsets.push(late);
        const testBeats = k - firstTestBeat + 1;
        root.setAttribute("data-beats", String(testBeats));
        if (!motion) {
          const raises = Math.floor(testBeats / beatsPerRaise);
          count.textContent = String(raises);
          if (raises > 0 && testBeats % beatsPerRaise === 0) say(`${raises} raises`);
          root.setAttribute("data-raises", String(raises));
        }
      }
    }
    if (testStart) {
      const s = Math.floor((now - testStart) / 1000);
      elapsed.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    }
    frame = requestAnimationFrame(draw);
  };

  const runMetronome = () => {
    running = true;
    t0 = performance.now() + 300;
    root.setAttribute("data-t0", String(t0));
    if (motion) motion.counter.setBeats(t0, t0 + firstTestBeat * interval);
    frame = requestAnimationFrame(draw);
  };

  const showNote = (text) => {
    note.textContent = text;
    say(text);
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => (note.textContent = ""), 5000);
  };

  const tapMode = (text) => {
    motion = null;
    motionCheck.checked = false;
    why.hidden = false;
    why.textContent = text;
    root.setAttribute("data-motion", "unavailable");
  };

  const onMotionEvent = (ev) => {
    if (ev.type === "still") {
      if (!running) {
        showNote("Ready: follow the beat.");
        runMetronome();
      }
    } else if (ev.type === "problem") {
      root.setAttribute("data-problem", ev.kind);
      showNote(MOTION_PROBLEMS[ev.kind]);
    } else if (ev.type === "raise") {
      const mark = el("span", "calf-mark " + (ev.counted ? "calf-on" : "calf-off"), ev.counted ? "✓" : ev.fault === "short" ? "short" : "off");
      marks.append(mark);
      while (marks.childNodes.length > 12) marks.firstChild.remove();
      if (ev.counted) {
        motionCount = ev.n;
        count.textContent = String(motionCount);
        root.setAttribute("data-raises", String(motionCount));
        say(`${motionCount} raises`);
      } else {
        say(ev.fault === "short" ? "Short raise: not counted" : "Off the beat: not counted");
      }
    } else if (ev.type === "stop" && !proposed) {
      proposed = ev;
      proposalText.textContent = `Stop proposed: ${STOP_WORDS[ev.reason]}. ${ev.count} raises counted.`;
      confirmStop.textContent = `Stop at ${ev.count} raises`;
      proposal.hidden = false;
      root.setAttribute("data-proposed", ev.reason);
      say(proposalText.textContent + " Stop, or carry on.");
      confirmStop.focus({ preventScroll: true });
    }
  };

  const beginMotion = () => {
    const counter = createMotionCounter(data.motion);
    motion = { counter, heard: 0, rows: [], start: performance.now() };
    motion.listener = (e) => {
      const a = e.accelerationIncludingGravity;
      if (!motion || !a || a.x === null || a.y === null || a.z === null) return;
      // The reading's own time (a busy page may hand several over at once), on the metronome's clock.
      const now = performance.now();
      const t = e.timeStamp > 0 && e.timeStamp <= now + 1 ? e.timeStamp : now;
      if (motion.rows.length && t <= motion.rows[motion.rows.length - 1][0]) return;
      motion.heard += 1;
      if (motion.rows.length < 20 * 60 * 60) motion.rows.push([t, a.x, a.y, a.z]); // an hour at 20 Hz at most
      for (const ev of motion.counter.push(t, a.x, a.y, a.z)) onMotionEvent(ev);
    };
    window.addEventListener("devicemotion", motion.listener);
    root.setAttribute("data-phase", "still");
    root.setAttribute("data-motion", "counting");
    phase.textContent = "Stand still on the test leg";
    showNote("Stand still for a moment while the phone learns which way is down.");
    setTimeout(() => {
      if (motion && !motion.heard && !running && started) {
        window.removeEventListener("devicemotion", motion.listener);
        tapMode("This phone sent no motion, so you tap Stop yourself.");
        runMetronome();
      }
    }, 3000);
  };

  const rawCsv = () => {
    if (!motion || !motion.rows.length) return null;
    const first = motion.rows[0][0];
    const lines = [
      `# leg: ${data.leg}`,
      `# cadence_bpm: ${data.cadence_bpm}`,
      `# first_up_beat_ms: ${(t0 - first).toFixed(1)}`,
      `# count_from_ms: ${(t0 + firstTestBeat * interval - first).toFixed(1)}`,
      `# counted: ${motionCount}`,
      "t_ms,ax,ay,az",
    ];
    for (const [t, x, y, z] of motion.rows) lines.push(`${(t - first).toFixed(1)},${x.toFixed(4)},${y.toFixed(4)},${z.toFixed(4)}`);
    return lines.join("\n") + "\n";
  };

  const start = async () => {
    started = true;
    const wantMotion = data.motion && motionCheck.checked && !unavailable;
    let allowed = true;
    if (wantMotion && typeof DeviceMotionEvent.requestPermission === "function") {
      // iOS: asked in the tap itself, before anything else is awaited.
      try {
        allowed = (await DeviceMotionEvent.requestPermission()) === "granted";
      } catch (e) {
        allowed = false;
      }
    }
    choice.hidden = true;
    if (data.sound) {
      try {
        audio = new (window.AudioContext || window.webkitAudioContext)();
        await audio.resume();
      } catch (e) {
        audio = null; // no sound available: the visual beat still runs
      }
    }
    try {
      if (navigator.wakeLock) wakeLock = await navigator.wakeLock.request("screen");
    } catch (e) {
      wakeLock = null; // keep going: the runner can tap the screen
    }
    button.textContent = "Stop";
    button.className = "calf-button calf-stop";
    if (wantMotion && allowed) {
      why.hidden = true;
      beginMotion(); // the metronome starts once the phone knows which way is down
      return;
    }
    if (wantMotion) tapMode("Motion was not allowed, so you tap Stop yourself.");
    runMetronome();
  };

  const stop = (report) => {
    if (!started) return;
    started = false;
    running = false;
    cancelAnimationFrame(frame);
    clearTimeout(noteTimer);
    if (motion) window.removeEventListener("devicemotion", motion.listener);
    if (wakeLock) wakeLock.release().catch(() => {});
    if (audio) audio.close().catch(() => {});
    const testBeats = Math.max(0, nextBeat - firstTestBeat);
    const byMotion = Boolean(motion);
    const raises = byMotion ? motionCount : Math.floor(testBeats / beatsPerRaise);
    root.setAttribute("data-phase", "stopped");
    root.setAttribute("data-offsets", JSON.stringify(offsets.map((v) => Math.round(v * 100) / 100)));
    button.disabled = true;
    button.textContent = "Stopped";
    proposal.hidden = true;
    say(`Stopped: ${raises} raises counted`);
    if (report) {
      const csv = byMotion ? rawCsv() : null;
      if (csv) RAW_TRACES[data.run_id] = csv;
      setTriggerValue("finished", {
        run_id: data.run_id,
        leg: data.leg,
        beats: testBeats,
        raises,
        before_test: nextBeat < firstTestBeat, // stopped during the warm-up or countdown: nothing counted yet
        elapsed_ms: testStart ? Math.round(performance.now() - testStart) : 0,
        offsets_ms: offsets.map((v) => Math.round(v * 100) / 100),
        counted_by: byMotion ? "motion" : "taps",
        motion: byMotion ? { ...motion.counter.summary(), counted: raises, raw_kept: Boolean(csv) } : null,
      });
    }
  };
  state.stop = stop;

  // The space bar belongs to whatever has the focus: here, the Start/Stop button (a real <button>, so Space and
  // Enter press it natively), which takes the focus when the test appears. Nothing listens on the page, so Space
  // in another form or on "Cancel the guided test" does what it does there, and leaving leaves nothing behind.
  button.onclick = () => (started ? stop(true) : start());
  confirmStop.onclick = () => stop(true); // the proposed count: the raises counted before the two faults
  carryOn.onclick = () => {
    proposed = null;
    proposal.hidden = true;
    root.removeAttribute("data-proposed");
    say("Carrying on");
    button.focus({ preventScroll: true });
  };
  button.focus({ preventScroll: true });
  return () => stop(false);
}
