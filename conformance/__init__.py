"""Conformance suite for NEMO endpoints: knows only a base URL and the reference client.

Run `pytest conformance` (starts an emulator), or `pytest conformance --nemo-base-url=URL`.
"""
