"""Reads behind the insights endpoints: one module per figure."""
