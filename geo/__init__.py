"""Spatial helpers shared by the apps; no Django models here."""
