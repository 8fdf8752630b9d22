"""The worker process: runs tool calls, each in a new process session, and kills their trees."""
