"""A local, behavioural emulator of the NemoVideo agent API."""

from emulator.app import create_app
from emulator.settings import Settings
from emulator.state.store import Store

__all__ = ["Settings", "Store", "create_app"]
