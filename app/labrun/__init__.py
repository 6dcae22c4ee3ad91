"""The lab runtime: where labs live (lab processes or this process) and the workers that
take turns calling them. It knows the `Lab` contract, not any lesson."""
