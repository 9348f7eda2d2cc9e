"""What the reader needs apart from its widgets: list orders and the fallback filter."""
