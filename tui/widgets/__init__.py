"""The reader's regions: headline list, article view, credits panel, search bar."""
