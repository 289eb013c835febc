"""Conformance suite for NEMO endpoints: knows only a base URL and the reference client.

pytest --pyargs nemo_conformance                          # starts an emulator on a free port
pytest --pyargs nemo_conformance --nemo-base-url=URL      # any running endpoint
"""

from pathlib import Path

MEDIA = Path(__file__).resolve().parent / "media"
"""Tiny sample media (video, image, audio) shipped with the suite; tests and the `nemo_media` fixture use them."""
