"""Modelled motion traces of a phone strapped to the shin during the guided test, with their true count and stop.

The model is written down in docs/motion.md; its sizes come from data/sources.toml (cited in each trace's header).
Everything is seeded: the same name gives the same trace. The library is `library()`; `python -m
tests.motion.generate DIR` writes it as CSV files in the raw-trace format (calfcore.motion.trace_csv), which is
also what a runner downloads, so real recordings can join it (tests/motion/traces/).

The true count and stop apply the protocol's rules (calfcore.motion.MotionParameters) to the modelled raises
themselves (their true tops and heights), never to what a counter makes of the signal.
"""

from __future__ import annotations

import argparse
import math
import statistics
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calfcore.guided import COUNTDOWN_SECONDS, WARM_UP_RAISES
from calfcore.motion import MotionParameters, motion_parameters, read_trace, trace_csv
from calfcore.protocol import BEATS_PER_RAISE

G = 9.81
FINE_HZ = 1000  # the model is computed on a 1 ms grid, then sampled as a phone would
PHONE_HEIGHT_M = 0.30  # the phone's centre above the ankle on the shin [OUR MODEL]
SOURCES = "sleeswijk_visser_2025 (shin travel: peak height 9.3-9.6 cm at a marker below the ankle); docs/motion.md"

# Phone orientations on the shin: (phone y axis, phone z axis) in the shin's frame (x forward, y left, z up).
ORIENTATIONS = {
    "portrait, screen out front": ((0, 0, 1), (1, 0, 0)),
    "portrait upside down": ((0, 0, -1), (1, 0, 0)),
    "landscape, top left": ((0, -1, 0), (1, 0, 0)),
    "landscape, top right": ((0, 1, 0), (1, 0, 0)),
    "portrait, on the outside of the shin": ((0, 0, 1), (0, 1, 0)),
    "portrait, screen against the shin": ((0, 0, 1), (-1, 0, 0)),
}


@dataclass
class Trace:
    name: str
    kind: str  # short, pace, still, pause; zero traces: standing, walking, put_down, tapping
    cadence_bpm: int
    first_up_ms: float
    count_from_ms: float
    samples: list[tuple[float, float, float, float]]
    true_tops_ms: list[float] = field(default_factory=list)  # every raise of the test, counted or not
    true_count: int = 0
    true_stop_ms: float | None = None  # None: no stop rule is met (zero traces)
    true_stop_reason: str = ""
    notes: str = ""

    @property
    def zero(self) -> bool:
        return self.kind in ZERO_KINDS

    def meta(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "cadence_bpm": self.cadence_bpm,
            "first_up_beat_ms": round(self.first_up_ms, 1),
            "count_from_ms": round(self.count_from_ms, 1),
            "true_count": self.true_count,
            "true_stop_ms": "" if self.true_stop_ms is None else round(self.true_stop_ms, 1),
            "true_stop_reason": self.true_stop_reason,
            "true_tops_ms": " ".join(f"{t:.0f}" for t in self.true_tops_ms),
            "notes": self.notes,
            "sources": SOURCES,
        }

    def csv(self) -> str:
        return trace_csv(self.meta(), self.samples)


def trace_from_csv(text: str) -> Trace:
    """A trace file (modelled or recorded) with its truth, read back."""
    meta, samples = read_trace(text)
    stop = meta.get("true_stop_ms", "")
    return Trace(
        name=meta.get("name", ""),
        kind=meta.get("kind", ""),
        cadence_bpm=int(meta["cadence_bpm"]),
        first_up_ms=float(meta["first_up_beat_ms"]),
        count_from_ms=float(meta["count_from_ms"]),
        samples=samples,
        true_tops_ms=[float(v) for v in meta.get("true_tops_ms", "").split()],
        true_count=int(meta.get("true_count", 0)),
        true_stop_ms=float(stop) if stop else None,
        true_stop_reason=meta.get("true_stop_reason", ""),
        notes=meta.get("notes", ""),
    )


ZERO_KINDS = ("standing", "walking", "put_down", "tapping")


# -- the model ---------------------------------------------------------------------------------------------------


def _smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _smooth_noise(rng: np.random.Generator, n: int, sd: float, corner_hz: float) -> np.ndarray:
    """Smooth random movement up to corner_hz (a sum of sines: twice differentiable), scaled to sd."""
    t = np.arange(n) / FINE_HZ
    out = np.zeros(n)
    for f in rng.uniform(0.05, corner_hz, 12):
        out += np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)) * rng.uniform(0.3, 1.0)
    return out * (sd / (out.std() or 1.0))


def _min_jerk(u: np.ndarray) -> np.ndarray:
    """The minimum-jerk path from 0 to 1 (Flash & Hogan 1985): how a person moves from one point to another."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10 - 15 * u + 6 * u**2)


def _rot(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * (k @ k)


def _mount(rng: np.random.Generator, orientation: str) -> np.ndarray:
    """Phone axes as columns in the shin's frame, with a strap's misalignment of up to 15°."""
    y, z = (np.array(v, dtype=float) for v in ORIENTATIONS[orientation])
    x = np.cross(y, z)
    base = np.column_stack([x, y, z])
    wobble = _rot(rng.standard_normal(3), math.radians(rng.uniform(0, 15)))
    return wobble @ base


@dataclass
class Raise:
    top_ms: float
    height_m: float
    rise_ms: float
    hold_ms: float
    fall_ms: float


def _raise_travel(t: np.ndarray, raises: list[Raise]) -> np.ndarray:
    z = np.zeros_like(t)
    for r in raises:
        up = _min_jerk((t - (r.top_ms - r.rise_ms)) / r.rise_ms)
        down = _min_jerk((t - (r.top_ms + r.hold_ms)) / r.fall_ms)
        z += r.height_m * (up - down)
    return z


@dataclass
class Phone:
    rate_hz: float
    jitter_share: float
    drop_share: float
    noise_sd: float
    bias: np.ndarray
    gain: np.ndarray
    mount: np.ndarray
    orientation: str


def _phone(rng: np.random.Generator, orientation: str | None = None) -> Phone:
    orientation = orientation or str(rng.choice(list(ORIENTATIONS)))
    return Phone(
        rate_hz=float(rng.choice([30, 50, 60])),  # browsers give motion at 60 Hz at most (issue 28)
        jitter_share=float(rng.uniform(0.03, 0.15)),
        drop_share=float(rng.uniform(0, 0.02)),
        noise_sd=float(rng.uniform(0.01, 0.05)),  # m/s² per sample: a phone's accelerometer at these rates
        bias=rng.uniform(-0.3, 0.3, 3),  # m/s²: zero-g offsets of phone accelerometers (about ±40 mg)
        gain=rng.uniform(0.98, 1.02, 3),
        mount=_mount(rng, orientation),
        orientation=orientation,
    )


def _sample(
    rng: np.random.Generator, phone: Phone, duration_ms: float, world_force: np.ndarray, frame: np.ndarray
) -> list[tuple[float, float, float, float]]:
    """What the phone reports: the specific force (m/s², +g up at rest) in its own axes, at its own jittery times.

    world_force: (n, 3) on the fine grid; frame: (n, 3, 3), the phone's axes as columns in the world at each ms."""
    step = 1000 / phone.rate_hz
    times = np.arange(0, duration_ms - step, step)
    times = times + rng.normal(0, phone.jitter_share * step, times.size)
    times = np.sort(np.clip(times, 0, duration_ms - 2))
    keep = rng.uniform(size=times.size) >= phone.drop_share
    times = times[keep]
    idx = np.round(times).astype(int)
    out = []
    for t, i in zip(times, idx, strict=True):
        reading = frame[i].T @ world_force[i]
        reading = reading * phone.gain + phone.bias + rng.normal(0, phone.noise_sd, 3)
        out.append((round(float(t), 1), float(reading[0]), float(reading[1]), float(reading[2])))
    return out


def _shin_model(
    t: np.ndarray, travel: np.ndarray, tilt: np.ndarray, sway_z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """World specific force at the phone and the shin's frame, from the ankle's vertical travel and forward tilt."""
    dt = 1 / FINE_HZ
    pos = np.column_stack(
        [
            PHONE_HEIGHT_M * np.sin(tilt),
            np.zeros_like(t),
            travel + sway_z + PHONE_HEIGHT_M * np.cos(tilt),
        ]
    )
    acc = np.gradient(np.gradient(pos, dt, axis=0), dt, axis=0)
    force = acc + np.array([0, 0, G])
    c, s = np.cos(tilt), np.sin(tilt)
    frames = np.zeros((t.size, 3, 3))  # rotation about the world's y axis: the shin leans forward
    frames[:, 0, 0], frames[:, 0, 2], frames[:, 1, 1], frames[:, 2, 0], frames[:, 2, 2] = c, s, 1, -s, c
    return force, frames


# -- the protocol's rules on the true raises -----------------------------------------------------------------------


def truth(
    params: MotionParameters, raises: list[Raise], first_up_ms: float, count_from_ms: float
) -> tuple[int, float | None, str, list[float]]:
    """True count, stop time and reason, and the test's raise tops: the rules applied to the modelled raises."""
    period, beat = params.raise_period_ms, params.beat_ms
    test = [r for r in raises if r.top_ms >= count_from_ms]
    tops = [r.top_ms for r in test]
    if not test:
        return 0, None, "", tops
    first = test[: params.reference_raises]
    ref = statistics.median(r.height_m for r in first)
    phase = statistics.median(r.top_ms - first_up_ms - round((r.top_ms - first_up_ms) / period) * period for r in first)
    by_beat: dict[int, list[Raise]] = {}
    for r in test:
        by_beat.setdefault(round((r.top_ms - first_up_ms - phase) / period), []).append(r)
    first_beat = min(by_beat)  # the runner's first raise of the test is on the first up-beat of the count
    last_beat = max(by_beat)
    count, run, kinds = 0, 0, []
    for k in range(first_beat, last_beat + 3):
        expected = first_up_ms + k * period + phase
        found = by_beat.get(k, [])
        outcomes: list[tuple[float, str | None]] = []
        if not found:
            outcomes.append((expected + period / 2, "missed"))
        for i, r in enumerate(found):
            index = test.index(r)
            off = abs(r.top_ms - expected) > params.off_beat_share * beat or i > 0
            short = index >= params.reference_raises and r.height_m < params.short_raise_fraction * ref
            outcomes.append((r.top_ms, "short" if short else "off" if off else None))
        for at, kind in outcomes:
            if kind is None:
                count += 1
                run = 0
                kinds = []
                continue
            run += 1
            kinds.append(kind)
            if run >= params.faults_to_stop:
                reason = "short" if kind == "short" else "pace"
                if all(k == "missed" for k in kinds[-params.faults_to_stop :]):
                    reason = "still"
                return count, at, reason, tops
    # no stop rule met among the raises: the runner stopped moving after the last raise
    last = test[-1].top_ms
    return count, last + period * 1.5, "still", tops


# -- traces ------------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the runner does, beat by beat, in a test trace."""

    kind: str
    cadence: int
    good_raises: int


def _beats(cadence: int) -> tuple[float, int, int]:
    beat = 60_000 / cadence
    warm_up_beats = WARM_UP_RAISES * BEATS_PER_RAISE
    countdown_beats = round(COUNTDOWN_SECONDS * 1000 / beat)
    return beat, warm_up_beats, warm_up_beats + countdown_beats


def raise_trace(seed: int, kind: str, cadence: int = 60, orientation: str | None = None) -> Trace:
    """A runner doing the guided test to fatigue (or stopping, or pausing), the phone on the shin."""
    rng = np.random.default_rng([28, seed, cadence, zlib.crc32(kind.encode())])
    params = motion_parameters(cadence)
    beat, warm_up_beats, first_test_beat = _beats(cadence)
    period = beat * BEATS_PER_RAISE
    still_ms = rng.uniform(2500, 4500)  # standing still to learn "down", then the metronome starts
    first_up = still_ms
    count_from = first_up + first_test_beat * beat
    h0 = float(np.clip(rng.normal(0.094, 0.014), 0.06, 0.13))  # shin travel of a full raise (m)
    phase = rng.uniform(0.6, 1.05) * beat  # when this runner's top comes after the up-beat
    timing_sd = rng.uniform(25, 80)
    duty = rng.uniform(0.6, 0.95)
    good = int(rng.integers(8, 36 if cadence <= 60 else 28))
    slope = rng.uniform(0.0, 0.25) / max(good, 1)  # a gentle fall in height before the end
    raises: list[Raise] = []

    def add(up_ms: float, height: float, late_ms: float = 0.0) -> None:
        new = Raise(
            top_ms=up_ms + phase + late_ms + rng.normal(0, timing_sd),
            height_m=height * rng.normal(1, 0.05),
            rise_ms=duty * beat * rng.uniform(0.9, 1.1),
            hold_ms=rng.uniform(0, 0.15) * beat,
            fall_ms=duty * beat * rng.uniform(0.9, 1.1),
        )
        if raises:  # the heel comes down before it rises again: a late raise leaves less time for both
            last = raises[-1]
            gap = new.top_ms - last.top_ms - last.hold_ms
            if last.fall_ms + new.rise_ms > 0.95 * gap:
                scale = 0.95 * gap / (last.fall_ms + new.rise_ms)
                last.fall_ms *= scale
                new.rise_ms *= scale
        raises.append(new)

    for j in range(WARM_UP_RAISES):
        add(first_up + j * period, h0 * 0.9)
    first_test_up = first_up + math.ceil(first_test_beat / BEATS_PER_RAISE) * period
    slip_at = int(rng.integers(4, good)) if rng.uniform() < 0.25 else -1  # one late raise, then back on the beat
    for i in range(good):
        add(first_test_up + i * period, h0 * (1 - slope * i), late_ms=0.55 * beat if i == slip_at else 0.0)
    up = first_test_up + good * period
    notes = f"{good} good raises, then {kind}; phone {{}}"
    end_extra = rng.uniform(2500, 5000)
    if kind == "short":
        height = h0 * (1 - slope * good)
        for _ in range(int(rng.integers(3, 6))):
            height *= rng.uniform(0.5, 0.8)
            add(up, height)
            up += period
    elif kind == "pace":
        late = 0.0
        for _ in range(int(rng.integers(3, 6))):
            late += rng.uniform(0.3, 0.6) * beat
            add(up, h0 * (1 - slope * good) * rng.uniform(0.75, 0.95), late_ms=late)
            up += period
    elif kind == "pause":
        up += rng.uniform(2.5, 4) * period
        up = first_up + math.ceil((up - first_up) / period) * period
        for _ in range(int(rng.integers(3, 6))):
            add(up, h0 * (1 - slope * good))
            up += period
    end = (raises[-1].top_ms if raises else up) + period + end_extra
    t = np.arange(0, end, 1000 / FINE_HZ)
    travel = _raise_travel(t, raises)
    tilt_per_m = math.radians(rng.uniform(2, 8)) / h0  # the shin leans forward as the heel rises [OUR MODEL]
    sway = _smooth_noise(rng, t.size, math.radians(rng.uniform(0.3, 1.0)), rng.uniform(0.3, 1.0))
    tilt = travel * tilt_per_m + sway
    sway_z = _smooth_noise(rng, t.size, rng.uniform(0.0005, 0.002), 1.0)
    force, frames = _shin_model(t, travel, tilt, sway_z)
    phone = _phone(rng, orientation)
    frame = frames @ phone.mount
    samples = _sample(rng, phone, float(t[-1]), force, frame)
    count, stop, reason, tops = truth(params, raises, first_up, count_from)
    return Trace(
        name=f"{kind}-{cadence}bpm-{seed:03d}",
        kind=kind,
        cadence_bpm=cadence,
        first_up_ms=first_up,
        count_from_ms=count_from,
        samples=samples,
        true_tops_ms=tops,
        true_count=count,
        true_stop_ms=stop,
        true_stop_reason=reason,
        notes=notes.format(f"{phone.orientation} at {phone.rate_hz:.0f} Hz")
        + (f"; one late raise at {slip_at + 1}" if slip_at >= 0 else ""),
    )


def zero_trace(seed: int, kind: str, cadence: int = 60) -> Trace:
    """Traces that must count zero: standing, walking to the phone, taking it off and putting it down, tapping."""
    rng = np.random.default_rng([2800, seed, zlib.crc32(kind.encode())])
    beat, _, first_test_beat = _beats(cadence)
    still_ms = rng.uniform(2500, 4000)
    first_up = still_ms
    count_from = first_up + first_test_beat * beat
    end = count_from + rng.uniform(12_000, 20_000)
    t = np.arange(0, end, 1000 / FINE_HZ)
    tilt = _smooth_noise(rng, t.size, math.radians(rng.uniform(0.3, 1.2)), rng.uniform(0.3, 1.0))
    travel = _smooth_noise(rng, t.size, rng.uniform(0.0005, 0.002), 1.0)
    phone = _phone(rng)
    notes = f"{kind}; phone {phone.orientation} at {phone.rate_hz:.0f} Hz"
    extra_force = np.zeros((t.size, 3))
    if kind == "walking":
        start = rng.uniform(first_up, count_from)
        stop = min(end - 3000, start + rng.uniform(6000, 12000))
        on = _smoothstep((t - start) / 800) - _smoothstep((t - stop) / 800)
        stride_hz = rng.uniform(0.8, 1.0)
        swing = math.radians(rng.uniform(20, 30))
        tilt = tilt + on * swing * np.sin(2 * np.pi * stride_hz * (t - start) / 1000)
        travel = travel + on * rng.uniform(0.02, 0.04) * np.sin(2 * np.pi * 2 * stride_hz * (t - start) / 1000)
        for strike in np.arange(start, stop, 1000 / stride_hz):  # a heel strike: a short jolt up the shin
            bump = np.exp(-0.5 * ((t - strike) / 20) ** 2) * rng.uniform(5, 10)
            extra_force[:, 2] += bump
        notes += f"; walking from {start / 1000:.1f} s to {stop / 1000:.1f} s"
    force, frames = _shin_model(t, travel, tilt, np.zeros_like(t))
    force = force + extra_force
    frame = frames @ phone.mount
    if kind == "put_down":
        start = rng.uniform(count_from, count_from + 5000)
        off = _smoothstep((t - start) / 2500)
        flat = np.eye(3)  # screen up on a table
        axis = rng.standard_normal(3)
        for i in np.nonzero(off > 0)[0]:  # turn from the shin to the table, shaken by the hand
            turn = _rot(axis, off[i] * math.pi * 0.5)
            frame[i] = off[i] * flat + (1 - off[i]) * (turn @ frame[i])
            u, _, vt = np.linalg.svd(frame[i])
            frame[i] = u @ vt
        hand = np.column_stack([_smooth_noise(rng, t.size, 1.5, 2.0) for _ in range(3)])
        force = force + hand * (off * (1 - off) * 4)[:, None]
        notes += f"; taken off at {start / 1000:.1f} s and put down flat"
    samples = _sample(rng, phone, float(t[-1]), force, frame)
    if kind == "tapping":
        taps = sorted(rng.uniform(count_from - 2000, end - 1000, int(rng.integers(3, 8))))
        tapped = []
        for when in taps:  # a finger on the screen: a short push along the screen's axis
            size = rng.uniform(1.5, 4.0)
            for j, (ts, x, y, z) in enumerate(samples):
                if 0 <= ts - when < rng.uniform(30, 70):
                    samples[j] = (ts, x, y, z - size)
            tapped.append(f"{when / 1000:.1f}")
        notes += "; taps at " + ", ".join(tapped) + " s"
    return Trace(
        name=f"{kind}-{seed:03d}",
        kind=kind,
        cadence_bpm=cadence,
        first_up_ms=first_up,
        count_from_ms=count_from,
        samples=samples,
        notes=notes,
    )


def library(first_seed: int = 0) -> list[Trace]:
    """The whole modelled library: fatigue, pace lost, stopping, pausing at four paces, and the zero traces.

    first_seed=0 is the library the counter was developed on; another (the benchmark's --held-out uses 100) draws
    new runners and phones from the same model, which the counter has never seen."""
    traces = []
    for seed in range(first_seed, first_seed + 14):
        traces.append(raise_trace(seed, "short"))
    for seed in range(first_seed, first_seed + 10):
        traces.append(raise_trace(seed, "pace"))
    for seed in range(first_seed, first_seed + 6):
        traces.append(raise_trace(seed, "still"))
        traces.append(raise_trace(seed, "pause"))
    for cadence in (40, 80, 120):
        for seed in range(first_seed, first_seed + 3):
            traces.append(raise_trace(seed, "short", cadence))
            traces.append(raise_trace(seed, "pace", cadence))
        traces.append(raise_trace(first_seed, "still", cadence))
    for kind in ZERO_KINDS:
        for seed in range(first_seed, first_seed + 5):
            traces.append(zero_trace(seed, kind))
    return traces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for trace in library():
        (args.folder / f"{trace.name}.csv").write_text(trace.csv())


if __name__ == "__main__":
    main()
