"""Tests and generator of the voting vectors of our own, committed under voting/."""
