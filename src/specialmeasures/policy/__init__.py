"""Regime policies shipped as data: ``*.yaml`` files and their JSON Schema."""
