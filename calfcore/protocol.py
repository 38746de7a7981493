"""The standard single-leg heel-raise test, in one place for the home page, the record form and guided tests.

Figures from Hébert-Losier 2017 and Sleeswijk Visser 2025 (10° incline, 60 beats/min, fingertip support,
warm-up, stop rules, 2 minutes between legs). The wording is ours.
"""

from __future__ import annotations

from calfcore.models import Protocol, Surface

# Not cued, like the reference it is scored against (the per-decade table, data/norms.toml): Sleeswijk Visser 2025
# used the same set-up but prompted at each fault, a cued protocol with counts about 12 lower (Green 2024).
STANDARD_PROTOCOL = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False, fingertip_support=True)
STANDARD_REFERENCE_ID = "hebert_losier_2017_decades"
BEATS_PER_RAISE = 2  # one beat up, one beat down
REST_BETWEEN_LEGS_SECONDS = 120
WARM_UP_DOUBLE_LEG_RAISES = 10
PROTOCOL_SOURCES = ("hebert_losier_2017", "sleeswijk_visser_2025")

SET_UP = (
    "Warm up first: about 10 minutes of brisk walking or easy jogging, then "
    f"{WARM_UP_DOUBLE_LEG_RAISES} easy raises on both feet to learn the pace.",
    "Stand on one leg on a 10° incline board (or a flat floor: note which), knee straight, the other foot off "
    "the ground.",
    "Rest your fingertips on a wall at shoulder height, for balance only.",
    "Start a metronome at 60 beats a minute: rise on one beat, lower on the next.",
    "Rise as high as you can every time, and count each full raise.",
)

STOP_RULES = (
    "your heel can no longer rise (or clearly not as high as at the start),",
    "you can't keep up with the beat,",
    "your knee bends or your body leans and you can't correct it,",
    "you need more than your fingertips to stay up.",
)

AFTER_FIRST_LEG = "Rest 2 minutes, then test the other leg the same way."
