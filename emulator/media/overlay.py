"""Text overlays: each drawn once per render as an RGBA patch (Pillow), converted to YUV once, and blended only
into its own box, only on the frames where it shows, with its fade-in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nemo_protocol import draft as drafts
from nemo_protocol.wire import JSON, obj


@dataclass
class Text:
    """A text overlay, drawn once as an RGBA patch, with where and when it shows."""

    start: float
    end: float
    fade: float
    patch: np.ndarray  # RGBA
    x: int
    y: int
    planes: tuple[np.ndarray, ...] | None = None
    """The patch as limited-range BT.601 Y, U, V and alpha at full and half size (made on first use)."""

    def yuv(self) -> tuple[np.ndarray, ...]:
        if self.planes is None:
            h, w = self.patch.shape[0] // 2 * 2, self.patch.shape[1] // 2 * 2
            rgb = self.patch[:h, :w, :3].astype(np.float32)
            r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
            y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
            u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
            v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
            a = self.patch[:h, :w, 3].astype(np.float32) / 255

            def half(x: np.ndarray) -> np.ndarray:
                quarter: np.ndarray = (x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2]) / 4
                return quarter

            self.planes = (y, half(u), half(v), a, half(a))
        return self.planes


def text_patch(seg: JSON, width: int, height: int) -> Text:
    """The segment's words drawn with its style (size scaled to the output, stroked for contrast) and placed."""
    style = obj(seg.get("sty"))
    size = style.get("size", 48)
    size = int(max(8, min(400, size if isinstance(size, int | float) else 48)) * height / 1080 * 1.2)
    font = ImageFont.load_default(size=max(8, size))
    text = str(seg.get("tx", ""))[:300]
    color = style.get("color", "#FFFFFF")
    stroke = max(1, size // 16)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font, stroke_width=stroke)
    tw, th = max(1, int(right - left)), max(1, int(bottom - top))
    img = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    try:
        ImageDraw.Draw(img).text((-left, -top), text, font=font, fill=color, stroke_width=stroke, stroke_fill="#000000")
    except ValueError:
        ImageDraw.Draw(img).text(
            (-left, -top), text, font=font, fill="#FFFFFF", stroke_width=stroke, stroke_fill="#000000"
        )
    patch = np.asarray(img)[:height, :width]
    pos = str(style.get("pos", "center"))
    x = (width - patch.shape[1]) // 2
    if pos.endswith("left"):
        x = int(width * 0.05)
    elif pos.endswith("right"):
        x = width - patch.shape[1] - int(width * 0.05)
    y = (
        int(height * 0.08)
        if pos.startswith("top")
        else height - patch.shape[0] - int(height * 0.1)
        if pos.startswith("bottom")
        else (height - patch.shape[0]) // 2
    )
    start = drafts.start_ms(seg) / 1000
    fade = float(style.get("fade_in", 0) or 0) / 1000
    return Text(start, start + drafts.length_ms(seg) / 1000, fade, patch, max(0, x), max(0, y))


def blend_yuv(planes: tuple[np.ndarray, np.ndarray, np.ndarray], text: Text, t: float) -> None:
    """Draw `text` into a yuv420p frame's Y, U and V planes (2-D views), touching only its patch."""
    luma, chroma_u, chroma_v = planes
    height, width = luma.shape
    alpha = min(1.0, (t - text.start) / text.fade) if text.fade > 0 else 1.0
    y_p, u_p, v_p, a, a_half = text.yuv()
    x0, y0 = text.x // 2 * 2, text.y // 2 * 2
    h, w = min(y_p.shape[0], height - y0) // 2 * 2, min(y_p.shape[1], width - x0) // 2 * 2
    if h <= 0 or w <= 0:
        return
    region = luma[y0 : y0 + h, x0 : x0 + w]
    weight = a[:h, :w] * alpha
    region[:] = (y_p[:h, :w] * weight + region * (1 - weight)).astype(np.uint8)
    weight = a_half[: h // 2, : w // 2] * alpha
    for plane, values in ((chroma_u, u_p), (chroma_v, v_p)):
        region = plane[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2]
        region[:] = (values[: h // 2, : w // 2] * weight + region * (1 - weight)).astype(np.uint8)


def blend_rgb(frame: np.ndarray, text: Text, t: float) -> None:
    """Draw `text` into an RGB frame, touching only its patch."""
    alpha = min(1.0, (t - text.start) / text.fade) if text.fade > 0 else 1.0
    h, w = text.patch.shape[:2]
    region = frame[text.y : text.y + h, text.x : text.x + w]
    patch = text.patch[: region.shape[0], : region.shape[1]]
    a = patch[..., 3:4].astype(np.float32) / 255 * alpha
    region[:] = (patch[..., :3] * a + region * (1 - a)).astype(np.uint8)
