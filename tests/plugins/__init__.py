"""Tests of the bundled plugins."""
