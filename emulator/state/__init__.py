"""Records and rules, free of HTTP."""
