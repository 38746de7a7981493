"""WCAG 2.1 contrast: relative luminance, contrast ratio and a colour drawn at an opacity over a background.

The thresholds are WCAG 2.1's: 4.5:1 for body text (1.4.3), 3:1 for large text and for graphics a reader needs
(1.4.11).
"""

from __future__ import annotations

TEXT_MIN_RATIO = 4.5  # WCAG 2.1 SC 1.4.3, normal-size text
GRAPHICS_MIN_RATIO = 3.0  # WCAG 2.1 SC 1.4.11, non-text contrast


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour: str, opacity: float, background: str = "#ffffff") -> str:
    """The colour seen when `colour` is drawn at `opacity` over `background` (e.g. Streamlit's faded captions)."""
    mixed = (
        round(opacity * c + (1 - opacity) * b) for c, b in zip(_channels(colour), _channels(background), strict=True)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)
