"""What the reader needs apart from its widgets: its state, list orders and the fallback filter."""
