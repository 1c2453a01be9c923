"""Provides the wallet: keystore, wallet home, services and the command line."""
