"""Human review: A2I client, the local A2I-compatible review console, adaptive consensus."""
