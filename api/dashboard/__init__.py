"""The coordinators' regional dashboard: key figures, schools, weekly activity, unmet demand."""
