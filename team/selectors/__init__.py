"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""
