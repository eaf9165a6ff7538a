"""Key figures (styringsnøgletal): figures, reports per recipient and plots."""
