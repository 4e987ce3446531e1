"""Temporary re-export: `api.routers.profiles` (moved by another branch) still imports
`slot_labels` from here; the job-dating domain now lives in `api.jobdating`. Delete this module
once profiles imports `api.jobdating.service.slot_labels`."""

from api.jobdating.service import slot_labels

__all__ = ["slot_labels"]
