"""The archive's domain: who saw what, where and when, and what officials claimed.

Split by subject; import from ``testimony.models`` as from one module.
"""

from . import lookups  # noqa: F401  (registers the any_of lookup)
from .editorial import Revision, WorkflowEvent
from .identifiers import Counter
from .places import Place
from .statements import Actor, CrossReference, Statement
from .summary import FacetCount
from .testimonies import Incident, Testimony
from .vocabulary import Source, Status, Tag, TagGroup
from .witnesses import Witness, WitnessIdentity

__all__ = [
    "Actor",
    "Counter",
    "CrossReference",
    "FacetCount",
    "Incident",
    "Place",
    "Revision",
    "Source",
    "Statement",
    "Status",
    "Tag",
    "TagGroup",
    "Testimony",
    "Witness",
    "WitnessIdentity",
    "WorkflowEvent",
]
