"""Provides DIDs (did:key, did:jwk, did:web), DID documents and their resolution."""
