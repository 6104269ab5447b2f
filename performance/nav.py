"""This app's entries in the main navigation (read by core.context_processors.navigation)."""


def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    return []
