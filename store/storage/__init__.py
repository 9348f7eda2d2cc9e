"""Where stories are kept: TinyDB files written atomically under a cross-process lock."""
