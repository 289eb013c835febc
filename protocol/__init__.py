"""The NEMO protocol itself, shared by the emulator, the client and the conformance suite (and importing none of
them): the code table, the JSON encoding and envelopes, the endpoint table, the draft model and the JSON Schemas.
"""

from nemo_protocol.codes import ACCEPTED_FORMATS, Code, http_status
from nemo_protocol.draft import AUDIO, TEXT, VIDEO, Draft, DraftError, DraftLimits
from nemo_protocol.routes import ENDPOINTS, Endpoint, endpoint
from nemo_protocol.wire import JSON, dumps, loads

__all__ = [
    "ACCEPTED_FORMATS",
    "AUDIO",
    "ENDPOINTS",
    "JSON",
    "TEXT",
    "VIDEO",
    "Code",
    "Draft",
    "DraftError",
    "DraftLimits",
    "Endpoint",
    "dumps",
    "endpoint",
    "http_status",
    "loads",
]
