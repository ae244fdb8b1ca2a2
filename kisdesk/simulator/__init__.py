"""A local imitation of the KIS Open API hosts (real and paper), with fault injection for tests."""

from kisdesk.simulator.clock import Clock, ManualClock, SystemClock
from kisdesk.simulator.engine import Action, Engine, Outcome
from kisdesk.simulator.faults import Fault, FaultKind
from kisdesk.simulator.protocol import CallContext, Handler, SimReply, SimRequest
from kisdesk.simulator.server import SimServer, serve
from kisdesk.simulator.settings import SimSettings

__all__ = [
    "Action",
    "CallContext",
    "Clock",
    "Engine",
    "Fault",
    "FaultKind",
    "Handler",
    "ManualClock",
    "Outcome",
    "SimReply",
    "SimRequest",
    "SimServer",
    "SimSettings",
    "SystemClock",
    "serve",
]
