"""Code shared by the gateway and its workers: wire protocol, framing, tool schemas, config types."""
