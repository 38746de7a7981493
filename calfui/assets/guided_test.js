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
  root.append(phase, beat, count, caption, elapsed, button, status);
  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };
  root.setAttribute("data-phase", "ready");
  root.setAttribute("data-beats", "0");
  root.setAttribute("data-raises", "0");

  let audio = null;
  let running = false;
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
          caption.textContent = "raises";
          root.setAttribute("data-phase", "test");
          say("Go!");
        }
        offsets.push(late);
        const testBeats = k - firstTestBeat + 1;
        const raises = Math.floor(testBeats / beatsPerRaise);
        count.textContent = String(raises);
        if (raises > 0 && testBeats % beatsPerRaise === 0) say(`${raises} raises`);
        root.setAttribute("data-beats", String(testBeats));
        root.setAttribute("data-raises", String(raises));
      }
    }
    if (testStart) {
      const s = Math.floor((now - testStart) / 1000);
      elapsed.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    }
    frame = requestAnimationFrame(draw);
  };

  const start = async () => {
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
    running = true;
    t0 = performance.now() + 300;
    button.textContent = "Stop";
    button.className = "calf-button calf-stop";
    frame = requestAnimationFrame(draw);
  };

  const stop = (report) => {
    if (!running) return;
    running = false;
    cancelAnimationFrame(frame);
    if (wakeLock) wakeLock.release().catch(() => {});
    if (audio) audio.close().catch(() => {});
    const testBeats = Math.max(0, nextBeat - firstTestBeat);
    const raises = Math.floor(testBeats / beatsPerRaise);
    root.setAttribute("data-phase", "stopped");
    root.setAttribute("data-offsets", JSON.stringify(offsets.map((v) => Math.round(v * 100) / 100)));
    button.disabled = true;
    button.textContent = "Stopped";
    say(`Stopped: ${raises} raises counted`);
    if (report) {
      setTriggerValue("finished", {
        run_id: data.run_id,
        leg: data.leg,
        beats: testBeats,
        raises,
        before_test: nextBeat < firstTestBeat, // stopped during the warm-up or countdown: nothing counted yet
        elapsed_ms: testStart ? Math.round(performance.now() - testStart) : 0,
        offsets_ms: offsets.map((v) => Math.round(v * 100) / 100),
      });
    }
  };
  state.stop = stop;

  // The space bar belongs to whatever has the focus: here, the Start/Stop button (a real <button>, so Space and
  // Enter press it natively), which takes the focus when the test appears. Nothing listens on the page, so Space
  // in another form or on "Cancel the guided test" does what it does there, and leaving leaves nothing behind.
  button.onclick = () => (running ? stop(true) : start());
  button.focus({ preventScroll: true });
  return () => stop(false);
}
