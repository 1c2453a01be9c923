"""Tests of the `wallet` package."""
