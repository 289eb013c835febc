"""The encoding half of a render, on a thread of its own: libx264, the AAC encoder and the muxer.

The render's thread composes frame i+1 while this one encodes frame i; both spend their time in C with the GIL
released, so on two cores a render runs at close to the encoder's own speed. The queue is a few frames deep, which
bounds memory, and the muxer is only ever touched here. A frame may be handed over more than once (a still, or a
video frame held over several output frames), so its timestamp is set here, just before it is encoded.
"""

from __future__ import annotations

import queue
import threading
from fractions import Fraction
from types import TracebackType
from typing import Any

import av
import numpy as np

from nemo_emulator.media.mixer import RATE

DEPTH = 4
"""Frames waiting to be encoded at most (4 × 3 MB at 1080p)."""
_FLUSH, _ABORT = object(), object()


class Encoder:
    """Encode and mux what `video` and `audio` are given, in order; `finish` flushes and waits for the end."""

    def __init__(self, out: Any, video: Any, audio: Any, tick: Fraction) -> None:
        self.out, self.vs, self.aus, self.tick = out, video, audio, tick
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=DEPTH)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="nemo-encode", daemon=True)
        self.thread.start()

    def video(self, frame: av.VideoFrame, index: int) -> None:
        self._put((self.vs, frame, index, self.tick))

    def audio(self, samples: np.ndarray, at: int) -> None:
        block = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="fltp", layout="stereo")
        block.sample_rate = RATE
        self._put((self.aus, block, at, Fraction(1, RATE)))

    def finish(self) -> None:
        """Flush both encoders and wait until every packet is muxed; raises what the encoding thread raised."""
        self._put(_FLUSH)
        self.thread.join()
        self._raise()

    def _put(self, item: Any) -> None:
        self._raise()
        while True:
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                self._raise()  # the thread died with the queue full: do not wait for it forever

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not _ABORT:
                if item is _FLUSH:
                    self.out.mux(self.vs.encode(None))
                    self.out.mux(self.aus.encode(None))
                    return
                stream, frame, pts, time_base = item
                frame.pts, frame.time_base = pts, time_base
                self.out.mux(stream.encode(frame))
        except BaseException as exc:  # handed to the render's thread at its next frame
            self.error = exc

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """On the way out (finished, cancelled, failed or closed), the thread is stopped before the file closes."""
        if self.thread.is_alive():
            while True:
                try:
                    self.queue.get_nowait()  # make room: what is still queued is not wanted
                except queue.Empty:
                    break
            self.queue.put(_ABORT)
            self.thread.join()
