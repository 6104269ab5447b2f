"""This app's entries in the main navigation (core/nav.py): recruitment, training, capability assessment,
promotion recommendations and the team dashboard, each for those whose scope holds them."""
