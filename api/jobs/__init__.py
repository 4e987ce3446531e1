"""Background jobs: a coordinator's long task (suggestion batch, allocation, schedule) off the request."""
