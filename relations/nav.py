"""This app's entries in the main navigation (core/nav.py): visits, key customers, market intelligence,
complaints and suggestions, each for those whose scope holds them."""
