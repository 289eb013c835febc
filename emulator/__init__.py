"""A local, behavioural emulator of the NemoVideo agent API."""

from nemo_emulator.app import create_app
from nemo_emulator.settings import Settings
from nemo_emulator.state.store import Store

__all__ = ["Settings", "Store", "create_app"]
