"""What every surface shares to speak HTTP: reading bodies, authenticating, writing envelopes and errors, the
files under /cdn/, the OpenAPI document. Behaviour lives below, in the state layer, the agent and media."""
