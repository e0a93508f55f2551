"""One module per agent. Each takes the state and the run's Deps and returns a state update."""
