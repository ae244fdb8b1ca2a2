"""Contract-test fixtures live in contract_sim.py so test modules can import their types too."""

from tests.api.contract.contract_sim import client, env, make_client, sim

__all__ = ["client", "env", "make_client", "sim"]
